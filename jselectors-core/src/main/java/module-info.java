/**
 * jselectors: Python's {@code selectors} for Java, on epoll, poll and select through the Foreign
 * Function and Memory API. Start with {@link io.jselectors.Selector#open()}.
 */
module io.jselectors {
    /** sun.misc.Signal: the event loop's signal handlers go through the JVM's own signal dispatch. */
    requires jdk.unsupported;

    exports io.jselectors;
    exports io.jselectors.net;
    exports io.jselectors.fd;
    exports io.jselectors.loop;
    exports io.jselectors.loop.framing;
}
