package io.jselectors.echo;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

/**
 * Turns SIGINT and SIGTERM into a request for a graceful stop, so the server can finish its echoes, print
 * its totals and exit 0 instead of dying with 130/143. A second signal while stopping is ignored: the grace
 * period already bounds the stop.
 *
 * <p>{@code sun.misc.Signal} (module jdk.unsupported) is the JDK's supported-but-unofficial way to do this;
 * a shutdown hook could not, as the JVM then exits with 128 + the signal's number. javac warns about it
 * on every build; that warning cannot be suppressed and is expected.
 */
final class ShutdownSignals {
    private final CountDownLatch requested = new CountDownLatch(1);
    private volatile String signalName;

    /** Installs the handlers for INT and TERM. */
    void install() {
        for (String name : new String[] {"INT", "TERM"}) {
            Signal.handle(new Signal(name), sig -> request("SIG" + sig.getName()));
        }
    }

    /** Asks for a stop, as a signal would; the reason is printed. */
    void request(String reason) {
        if (signalName == null) {
            signalName = reason;
        }
        requested.countDown();
    }

    /** Waits for a stop request. */
    void await() throws InterruptedException {
        requested.await();
    }

    /** Waits at most that long; true if a stop was requested. */
    boolean await(long time, TimeUnit unit) throws InterruptedException {
        return requested.await(time, unit);
    }

    /** What asked for the stop ("SIGTERM", ...), or null. */
    String reason() {
        return signalName;
    }
}
