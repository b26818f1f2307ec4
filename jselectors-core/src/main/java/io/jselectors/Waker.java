package io.jselectors;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What lets another thread end a selector's wait. Repeated wakeups before the selector consumes one
 * cost one system call: a pending flag coalesces them. The OS side is a subclass's: a descriptor the
 * selector watches ({@link FdWaker}), or kqueue's EVFILT_USER ({@link KqueueWaker}).
 */
abstract sealed class Waker permits FdWaker, KqueueWaker {
    private final AtomicBoolean pending = new AtomicBoolean();
    private final Object lock = new Object();
    private boolean closed;

    /** @return the fd that {@code readyFd} reports for the wakeup entry of a wait */
    abstract int fd();

    /** Makes the selector's wait return (one system call); any thread, under the waker's lock. */
    abstract void post() throws IOException;

    /** Selecting thread: consumes what {@link #post()} left, after the wait reported it. */
    abstract void consume() throws IOException;

    /** Frees the OS side; called once. */
    abstract void release() throws IOException;

    /** Any thread: makes the selector's wait return unless a wakeup is already pending. */
    final void wakeup() {
        if (!pending.compareAndSet(false, true)) {
            return;
        }
        synchronized (lock) {
            if (closed) {
                return;
            }
            try {
                post();
            } catch (IOException e) {
                // Cannot happen on a live waker we own; the next select still sees what is pending.
                pending.set(false);
            }
        }
    }

    /** Selecting thread: consumes the wakeup after the selector saw it. */
    final void drain() throws IOException {
        // Consume first, then clear. A wakeup() before the clear sees pending set and posts nothing,
        // which is right: the select draining now returns anyway. One after the clear posts, and the
        // next select returns at once. Clearing first would let a post land between the clear and the
        // consume: the consume would eat it and leave pending set with nothing posted, and every
        // later wakeup() would be skipped for ever.
        try {
            consume();
        } finally {
            pending.set(false);
        }
    }

    /** Idempotent; after it, {@link #wakeup()} does nothing. */
    final void close() throws IOException {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        release();
    }
}
