package io.jselectors;

import io.jselectors.internal.os.Poll;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One thread's wait in {@link Readiness}: what it waits for, and the hand-over between the waiting thread
 * and the {@link ReadinessWaiter}. Each thread keeps one and reuses it, so a wait allocates nothing.
 *
 * <p>States: the owner sets {@link #WAITING} and submits {@link #add}; the waiter ends the wait by moving
 * WAITING to {@link #READY}, {@link #CLOSED} or {@link #FAILED} (and unparks the owner, who reads the result
 * and sets {@link #IDLE}); or the owner gives up (timeout, interrupt) by moving WAITING to
 * {@link #CANCELLED} and submitting {@link #cancel}, and the waiter sets IDLE once it holds no reference to
 * the record any more. Only an IDLE record is reused.
 */
final class WaitRecord {
    static final int IDLE = 0;
    static final int WAITING = 1;
    static final int READY = 2;
    static final int CLOSED = 3;
    static final int FAILED = 4;
    static final int CANCELLED = 5;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(WaitRecord.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final ThreadLocal<WaitRecord> LOCAL = ThreadLocal.withInitial(WaitRecord::new);

    private volatile int state;

    // Written by the owner before it submits `add` (the queue's CAS publishes them); read by the waiter.
    Thread thread;
    int fd;
    int events;
    /** The Selectable waited on, or null for a plain fd. */
    Selectable file;

    // Written by the waiter before it ends the wait; read by the owner after it sees the new state.
    int result;
    IOException failure;

    // The waiter's own: the list of records waiting on one fd.
    WaitRecord nextOnFd;
    boolean linked;

    final Op add = new Op(Op.ADD, this, null, -1);
    final Op cancel = new Op(Op.CANCEL, this, null, -1);

    /** One {@code struct pollfd} for the check without waiting; freed with the record. */
    final MemorySegment pollfd = Arena.ofAuto().allocate(Poll.POLLFD);

    /** @return the calling thread's record, a fresh one when the last is still held by the waiter */
    static WaitRecord forCurrentThread() {
        WaitRecord r = LOCAL.get();
        if (r.state != IDLE) {
            // A cancelled wait the waiter has not released yet: this thread moves on with a new record.
            r = new WaitRecord();
            LOCAL.set(r);
        }
        return r;
    }

    int state() {
        return state;
    }

    void setState(int s) {
        state = s;
    }

    boolean transition(int from, int to) {
        return STATE.compareAndSet(this, from, to);
    }

    /** An operation for the waiter thread; the records' own ops are reused, close ops are made per close. */
    static final class Op {
        static final int ADD = 0;
        static final int CANCEL = 1;
        static final int CLOSE = 2;

        final int kind;
        final WaitRecord record;
        /** For CLOSE: the file being closed and the descriptor it had. */
        final Selectable file;
        final int fd;
        /** The waiter's queue link. */
        Op next;

        Op(int kind, WaitRecord record, Selectable file, int fd) {
            this.kind = kind;
            this.record = record;
            this.file = file;
            this.fd = fd;
        }
    }
}
