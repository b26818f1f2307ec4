package io.jselectors.loop;

import java.util.concurrent.atomic.AtomicReference;

/** Runs a loop on a thread of its own, and remembers what {@code run()} threw. */
final class LoopThread implements AutoCloseable {
    final EventLoop loop;
    final Thread thread;
    final AtomicReference<Throwable> failure = new AtomicReference<>();

    LoopThread(EventLoop loop) {
        this.loop = loop;
        this.thread = new Thread(() -> {
            try {
                loop.run();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "loop-" + loop.backend());
        thread.setDaemon(true);
        thread.start();
    }

    /** Closes the loop (stopping it) and waits for the thread; rethrows what run() threw. */
    @Override
    public void close() {
        loop.close();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the loop thread", e);
        }
        if (thread.isAlive()) {
            throw new AssertionError("the loop thread did not end within 10 s");
        }
        Throwable t = failure.get();
        if (t != null) {
            throw new AssertionError("run() threw", t);
        }
    }
}
