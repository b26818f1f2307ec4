package io.jselectors.loop;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A callback scheduled with {@link EventLoop#schedule(java.time.Duration, Runnable)}.
 *
 * <p>{@link #cancel()} may be called from any thread, any number of times: the first call before the
 * timer fires stops it (it no longer counts in {@link EventLoop#pendingTimers()}, at once, even while
 * the loop is not running); every later call, any call after it fired, and any call once the loop is
 * closed does nothing and returns {@code false}.
 */
public final class TimerHandle {
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(TimerHandle.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final int PENDING = 0;
    private static final int CANCELLED = 1;
    private static final int FIRED = 2;

    private final EventLoop loop;
    private final long deadline;
    private final long sequence;
    private final Runnable callback;
    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;
    /** Position in the loop's heap, -1 when not in it. Loop thread only. */
    int heapIndex = -1;

    TimerHandle(EventLoop loop, long deadline, long sequence, Runnable callback) {
        this.loop = loop;
        this.deadline = deadline;
        this.sequence = sequence;
        this.callback = callback;
    }

    /**
     * Stops the timer if it has not fired yet. Thread-safe and idempotent.
     *
     * @return true if this call cancelled the timer; false if it was already cancelled, has fired, or
     *     its loop is closed (which dropped it)
     */
    public boolean cancel() {
        if (loop.isClosed() || !STATE.compareAndSet(this, PENDING, CANCELLED)) {
            return false;
        }
        loop.scheduler().timerCancelled(this);
        return true;
    }

    /**
     * Returns true once {@link #cancel()} succeeded.
     *
     * @return true once {@link #cancel()} succeeded
     */
    public boolean isCancelled() {
        return state == CANCELLED;
    }

    /**
     * Returns true once the callback has been started.
     *
     * @return true once the callback has been started
     */
    public boolean hasFired() {
        return state == FIRED;
    }

    /**
     * Returns when the timer is due.
     *
     * @return the deadline on the {@link System#nanoTime()} clock
     */
    public long deadlineNanos() {
        return deadline;
    }

    /** Loop thread: claims the timer for running; false if it was cancelled meanwhile. */
    boolean fire() {
        return STATE.compareAndSet(this, PENDING, FIRED);
    }

    long sequence() {
        return sequence;
    }

    Runnable callback() {
        return callback;
    }

    /** Heap order: earlier deadline first, then earlier scheduling (FIFO for equal deadlines). */
    boolean before(TimerHandle o) {
        long d = deadline - o.deadline;
        return d < 0 || (d == 0 && sequence < o.sequence);
    }

    @Override
    public String toString() {
        String s = switch (state) {
            case PENDING -> "pending";
            case CANCELLED -> "cancelled";
            default -> "fired";
        };
        return "TimerHandle[" + s + ", due in " + (deadline - System.nanoTime()) / 1000 + " µs, " + callback + "]";
    }
}
