package io.jselectors.loop;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A callback scheduled with {@link EventLoop#schedule(java.time.Duration, Runnable)}, or a repeating one
 * ({@link EventLoop#scheduleAtFixedRate}, {@link EventLoop#scheduleWithFixedDelay}).
 *
 * <p>{@link #cancel()} may be called from any thread, any number of times: the first call before a
 * one-shot timer fires, or at any time for a repeating one, stops it (it no longer counts in
 * {@link EventLoop#pendingTimers()}, at once, even while the loop is not running); every later call, any
 * call after a one-shot timer fired, and any call once the loop is closed does nothing and returns
 * {@code false}. No run starts after {@code cancel()} returned true; a run already under way (the
 * callback cancelling its own timer, or a cancel from another thread during the callback) finishes, and
 * is the last.
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
    /** A one-shot timer's callback has started. */
    private static final int FIRED = 2;
    /** A repeating timer's callback is running. */
    private static final int RUNNING = 3;
    /** A repeating timer has run and waits for its next deadline. */
    private static final int WAITING = 4;

    private final EventLoop loop;
    /** The next deadline; moved by the loop thread when a repeating timer goes back into the heap. */
    private long deadline;
    /** Scheduling order, for FIFO among equal deadlines; renewed when a repeating timer goes back. */
    private long sequence;
    private final Runnable callback;
    /** How a repeating timer repeats; null for a one-shot timer. */
    private final RepeatingTimer repeat;
    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;
    /** Position in the loop's heap, -1 when not in it. Loop thread only. */
    int heapIndex = -1;

    TimerHandle(EventLoop loop, long deadline, long sequence, Runnable callback, RepeatingTimer repeat) {
        this.loop = loop;
        this.deadline = deadline;
        this.sequence = sequence;
        this.callback = callback;
        this.repeat = repeat;
    }

    /**
     * Stops the timer if it has not fired yet (one-shot) or has not been cancelled (repeating).
     * Thread-safe and idempotent.
     *
     * @return true if this call cancelled the timer; false if it was already cancelled, a one-shot timer
     *     that has fired, or its loop is closed (which dropped it)
     */
    public boolean cancel() {
        if (loop.isClosed()) {
            return false;
        }
        int s;
        do {
            s = state;
            if (s == CANCELLED || s == FIRED) {
                return false;
            }
        } while (!STATE.compareAndSet(this, s, CANCELLED));
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
     * Returns true once the callback has been started: for a repeating timer, once its first run has
     * started, until it is cancelled (then only {@link #isCancelled()} is true).
     *
     * @return true once the callback has been started
     */
    public boolean hasFired() {
        int s = state;
        return s == FIRED || s == RUNNING || s == WAITING;
    }

    /**
     * Returns true for a timer made by {@link EventLoop#scheduleAtFixedRate} or
     * {@link EventLoop#scheduleWithFixedDelay}.
     *
     * @return true for a repeating timer
     */
    public boolean isRepeating() {
        return repeat != null;
    }

    /**
     * Returns when the timer is due, on the loop's clock ({@link EventLoop#time()}). For a repeating
     * timer this is the deadline of the run under way (inside its callback) or of the next run; it
     * moves on the loop thread after each run, so read it there.
     *
     * @return the deadline on the {@link System#nanoTime()} clock
     */
    public long deadlineNanos() {
        return deadline;
    }

    /** Loop thread, one-shot timer: claims it for running; false if it was cancelled meanwhile. */
    boolean fire() {
        return STATE.compareAndSet(this, PENDING, FIRED);
    }

    /** Loop thread, repeating timer: claims one run; false if it was cancelled. */
    boolean startRun() {
        int s = state;
        return (s == PENDING || s == WAITING) && STATE.compareAndSet(this, s, RUNNING);
    }

    /** Loop thread, repeating timer: the run is over; false if it was cancelled during it. */
    boolean endRun() {
        return STATE.compareAndSet(this, RUNNING, WAITING);
    }

    /** Loop thread, off the heap: the next deadline and a new place in the FIFO order. */
    void reschedule(long nextDeadline, long nextSequence) {
        deadline = nextDeadline;
        sequence = nextSequence;
    }

    long sequence() {
        return sequence;
    }

    Runnable callback() {
        return callback;
    }

    RepeatingTimer repeat() {
        return repeat;
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
            case RUNNING -> "running";
            case WAITING -> "waiting";
            default -> "fired";
        };
        return "TimerHandle[" + s + (repeat != null ? ", " + repeat : "") + ", due in " + (deadline - System.nanoTime()) / 1000 + " µs, " + callback + "]";
    }
}
