package io.jselectors;

import io.jselectors.internal.os.Kqueue;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * kqueue's own waker: an EVFILT_USER event, added with EV_CLEAR so that reporting it resets it. A
 * wakeup is one kevent call with NOTE_TRIGGER; nothing is left to read.
 */
final class KqueueWaker extends Waker {
    /** The EVFILT_USER ident: its own name space, apart from the fds of the read and write filters. */
    static final long IDENT = 0;

    private final int kq;
    /** The trigger change, and an empty result list; used under the waker's lock only, freed at close. */
    private final Arena arena = Arena.ofShared();
    private final MemorySegment trigger = arena.allocate(Kqueue.KEVENT_SIZE, 8);

    /**
     * Adds the user event to kq.
     *
     * @param kq the kqueue; the selector closes it, after this waker
     * @throws IOException if kqueue refuses the event
     */
    KqueueWaker(int kq) throws IOException {
        this.kq = kq;
        try {
            Kqueue.set(trigger, 0, IDENT, Kqueue.EVFILT_USER, Kqueue.EV_ADD | Kqueue.EV_CLEAR, 0);
            apply();
            Kqueue.set(trigger, 0, IDENT, Kqueue.EVFILT_USER, 0, Kqueue.NOTE_TRIGGER);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** @return the kqueue's own fd: never a user's, so the select loop can tell the wakeup apart */
    @Override
    int fd() {
        return kq;
    }

    @Override
    void post() throws IOException {
        apply();
    }

    @Override
    void consume() {
        // EV_CLEAR: reporting the event reset it
    }

    @Override
    void release() {
        arena.close(); // the event itself goes with the kqueue
    }

    private void apply() throws IOException {
        while (Kqueue.kevent(kq, trigger, 1, MemorySegment.NULL, MemorySegment.NULL) < 0) {
            // EINTR: a change list with no result list applies at once; try again
        }
    }
}
