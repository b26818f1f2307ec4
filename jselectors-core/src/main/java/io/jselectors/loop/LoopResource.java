package io.jselectors.loop;

/** Something the loop must release when it closes: a transport, a server, a pending connect. */
interface LoopResource {
    /** Called once by {@link EventLoop#close()}, with the loop no longer running; frees descriptors. */
    void loopClosed();
}
