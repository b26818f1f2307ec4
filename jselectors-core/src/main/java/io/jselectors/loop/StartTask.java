package io.jselectors.loop;

/**
 * A task that starts something owning a descriptor (a server's accepting, a connect) on the loop
 * thread. If the loop closes before running it, {@link EventLoop#close()} calls {@code abandon}
 * instead, so that the descriptor is closed and any future completed.
 */
record StartTask(Runnable start, Runnable abandon) implements Runnable {
    @Override
    public void run() {
        start.run();
    }
}
