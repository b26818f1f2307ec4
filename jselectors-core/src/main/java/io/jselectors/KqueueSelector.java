package io.jselectors;

import io.jselectors.internal.os.Errno;
import io.jselectors.internal.os.Kqueue;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The kqueue backend of macOS and FreeBSD: O(ready) waits, any number of fds, nanosecond timeouts.
 * Read and write are separate kqueue filters; a file ready for both comes back as one event.
 * {@code register} learns the kernel's answer at once ({@code EV_RECEIPT}): a closed or invalid fd is
 * refused there with an {@link ErrnoException} and leaves no key. {@link #wakeup()} triggers an
 * {@code EVFILT_USER} event: no descriptor of its own.
 *
 * <p>On any platform, the system property {@code jselectors.kqueue.library} (or, if unset, the
 * environment variable {@code JSELECTORS_KQUEUE_LIBRARY}) names a shared library to take kqueue from
 * instead of the C library: a user-space kqueue such as libkqueue on Linux. Then {@link #isAvailable()}
 * is true there and {@link #open()} works, but {@link Selector#open()} still picks epoll on Linux.
 */
public final class KqueueSelector extends BaseSelector {
    /** The system property naming a shared library to take kqueue from: {@value}. */
    public static final String LIBRARY_PROPERTY = Kqueue.LIBRARY_PROPERTY;
    /** The environment variable naming that library when the property is unset: {@value}. */
    public static final String LIBRARY_ENV = Kqueue.LIBRARY_ENV;

    private static final int INITIAL_EVENTS = 64;

    private final int kq;
    /** The changes of one register/modify/unregister, their receipts, and the wait's timespec. */
    private final Arena arena = Arena.ofShared();
    private final MemorySegment changes = arena.allocate(2 * Kqueue.KEVENT_SIZE, 8);
    /** receipts[n]: room for exactly n results, so that n changes fill it (see {@link #apply}). */
    private final MemorySegment[] receipts = {
        MemorySegment.NULL,
        arena.allocate(Kqueue.KEVENT_SIZE, 8),
        arena.allocate(2 * Kqueue.KEVENT_SIZE, 8)
    };
    private final MemorySegment timespec = arena.allocate(Kqueue.TIMESPEC_SIZE, 8);
    private final MemorySegment noWait = arena.allocate(Kqueue.TIMESPEC_SIZE, 8);
    /**
     * The result list of the wait, in filters: two per registered fd and one for the wakeup, so that
     * one wait returns every ready file (CPython gh-110038). Replaced (with its own arena) before a
     * wait, never while a handler runs.
     */
    private Arena eventsArena;
    private MemorySegment events;
    /** The part of {@link #events} one kevent call fills: all of it, or libkqueue's first 512. */
    private MemorySegment firstBatch;
    private int capacity;
    /** The files of the last wait, read and write merged: fd and EVENT_ bits, {@code found} of them. */
    private int[] readyFds = new int[0];
    private int[] readyMasks = new int[0];
    /** fd -> the wait ({@link #stamp}) that last saw it, and its slot in readyFds then: for merging. */
    private int[] seenIn = new int[64];
    private int[] slotOf = new int[64];
    private int stamp;
    /** The filter and errno of the first change {@link #apply} saw refused. */
    private short refusedFilter;
    private int refusedErrno;

    private KqueueSelector(int kq) throws IOException {
        super(new KqueueWaker(kq));
        this.kq = kq;
        allocateEvents(INITIAL_EVENTS);
    }

    /**
     * Opens a kqueue selector.
     *
     * @return a new selector
     * @throws UnsupportedOperationException where there is no kqueue: not macOS or FreeBSD, and no
     *                                       kqueue library named (the message says how to name one)
     * @throws IOException                   if kqueue() fails (EMFILE, ENFILE, ENOMEM)
     */
    public static KqueueSelector open() throws IOException {
        if (!isAvailable()) {
            throw new UnsupportedOperationException("the kqueue backend is not available: " + Kqueue.unavailableReason());
        }
        int kq = Kqueue.kqueue();
        try {
            return new KqueueSelector(kq);
        } catch (IOException | RuntimeException e) {
            try {
                Kqueue.close(kq);
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /**
     * Whether the kqueue backend can be used here.
     *
     * @return true on macOS and FreeBSD, and on any platform where {@code jselectors.kqueue.library}
     *         (or {@code JSELECTORS_KQUEUE_LIBRARY}) names a library that has kqueue
     */
    public static boolean isAvailable() {
        return Kqueue.isAvailable();
    }

    /** @return true where kqueue is the C library's own (macOS, FreeBSD): {@link Selector#open()} picks it there */
    static boolean isNative() {
        return Kqueue.isInCLibrary();
    }

    @Override
    public String backend() {
        return "kqueue";
    }

    @Override
    void osRegister(int fd, int events) throws IOException {
        int n = changes(fd, events, Kqueue.EV_ADD, 0);
        if (apply(n) != 0) {
            // Nothing may stay registered: take back a filter that was added (the other was refused).
            short filter = refusedFilter;
            int errno = refusedErrno;
            apply(changes(fd, events, Kqueue.EV_DELETE, 0));
            throw refused("EV_ADD", filter, fd, errno);
        }
        // Grown once the kernel took the fd, so a refused (say, huge) fd grows nothing.
        if (fd >= seenIn.length) {
            int size = Math.max(fd + 1, seenIn.length * 2);
            seenIn = Arrays.copyOf(seenIn, size);
            slotOf = Arrays.copyOf(slotOf, size);
        }
    }

    @Override
    void osModify(int fd, int oldEvents, int newEvents) throws IOException {
        int n = changes(fd, oldEvents & ~newEvents, Kqueue.EV_DELETE, 0);
        n = changes(fd, newEvents & ~oldEvents, Kqueue.EV_ADD, n);
        if (apply(n) != 0) {
            throw refused("EV_ADD/EV_DELETE", refusedFilter, fd, refusedErrno);
        }
    }

    @Override
    void osUnregister(int fd, int events) throws IOException {
        // EBADF: closed since. ENOENT: closed (which removed the filters), or the number now names
        // another file. EPERM: the number now names a file kqueue cannot watch. All mean done.
        int err = apply(changes(fd, events, Kqueue.EV_DELETE, 0));
        if (err != 0 && err != Errno.EBADF && err != Errno.ENOENT && err != Errno.EPERM) {
            throw refused("EV_DELETE", refusedFilter, fd, err);
        }
    }

    @Override
    int osWait(long timeoutNanos) throws IOException {
        int needed = 2 * registeredCount() + 1; // in filters, and the wakeup
        if (needed > capacity) {
            // Grown here, not in register(): a handler may register while its select reads the array.
            allocateEvents(Math.max(needed, capacity * 2));
        }
        MemorySegment timeout = MemorySegment.NULL;
        if (timeoutNanos >= 0) {
            Kqueue.setTimespec(timespec, timeoutNanos);
            timeout = timespec;
        }
        int n = Kqueue.kevent(kq, MemorySegment.NULL, 0, firstBatch, timeout);
        if (n < 0) {
            return n;
        }
        int total = n;
        // Only where one call returns fewer results than the list holds (libkqueue: 512), and that
        // many came: collect the rest without waiting, so that one select returns every ready file.
        // Entries seen twice (the kernel rotates its ready list) are merged like read and write.
        while (n == Kqueue.MAX_RESULTS_PER_CALL && total < capacity) {
            int room = Math.min(Kqueue.MAX_RESULTS_PER_CALL, capacity - total);
            n = Kqueue.kevent(kq, MemorySegment.NULL, 0,
                    events.asSlice(total * Kqueue.KEVENT_SIZE, room * Kqueue.KEVENT_SIZE), noWait);
            if (n < 0) {
                break; // EINTR: what was collected is an answer
            }
            total += n;
        }
        return merge(total);
    }

    @Override
    int readyFd(int i) {
        return readyFds[i];
    }

    @Override
    int readyEvents(int i) {
        return readyMasks[i];
    }

    @Override
    void osClose() throws IOException {
        try {
            Kqueue.close(kq);
        } finally {
            if (eventsArena != null) {
                eventsArena.close();
            }
            arena.close();
        }
    }

    /** Folds the n results of a wait into one entry per file; returns how many files. */
    private int merge(int n) {
        if (++stamp == 0) { // wrapped: forget every old stamp
            Arrays.fill(seenIn, 0);
            stamp = 1;
        }
        int found = 0;
        for (int i = 0; i < n; i++) {
            short filter = Kqueue.filter(events, i);
            if (filter == Kqueue.EVFILT_USER) {
                readyFds[found] = wakeupFd();
                readyMasks[found++] = 0;
                continue;
            }
            long ident = Kqueue.ident(events, i);
            int bits;
            if ((Kqueue.flags(events, i) & Kqueue.EV_ERROR) != 0) {
                bits = EVENT_READ | EVENT_WRITE; // an error on the file: the next read or write reports it
            } else {
                bits = filter == Kqueue.EVFILT_READ ? EVENT_READ : filter == Kqueue.EVFILT_WRITE ? EVENT_WRITE : 0;
            }
            if (bits == 0 || ident < 0 || ident >= seenIn.length) {
                continue; // nothing we registered
            }
            int fd = (int) ident;
            if (seenIn[fd] == stamp) {
                readyMasks[slotOf[fd]] |= bits;
            } else {
                seenIn[fd] = stamp;
                slotOf[fd] = found;
                readyFds[found] = fd;
                readyMasks[found++] = bits;
            }
        }
        return found;
    }

    /** Writes one change per EVENT_ bit of {@code events} into {@link #changes} from index n; returns the new count. */
    private int changes(int fd, int events, int action, int n) {
        if ((events & EVENT_READ) != 0) {
            Kqueue.set(changes, n++, fd, Kqueue.EVFILT_READ, action | Kqueue.EV_RECEIPT, 0);
        }
        if ((events & EVENT_WRITE) != 0) {
            Kqueue.set(changes, n++, fd, Kqueue.EVFILT_WRITE, action | Kqueue.EV_RECEIPT, 0);
        }
        return n;
    }

    /**
     * Applies the first n {@link #changes}, each with EV_RECEIPT, in one kevent call whose result list
     * has room for exactly n entries: every change then comes back as an EV_ERROR entry holding its
     * errno (0: done), and no ready event is taken from the queue. (An exact fit also avoids a
     * libkqueue divergence: with spare room and nothing ready, it writes a receipt but does not count it.)
     *
     * @return 0 when every change was done, else the errno of the first refused one (its filter in
     *         {@link #refusedFilter})
     */
    private int apply(int n) throws IOException {
        if (n == 0) {
            return 0;
        }
        MemorySegment out = receipts[n];
        int got;
        while ((got = Kqueue.kevent(kq, changes, n, out, noWait)) < 0) {
            // EINTR: the changes are applied before any wait, and there is no wait; try again
        }
        for (int i = 0; i < got; i++) {
            // An entry without EV_ERROR is a ready event, not a receipt (libkqueue may return one
            // beside a refused change): it is left for the next wait, level-triggered.
            if ((Kqueue.flags(out, i) & Kqueue.EV_ERROR) != 0 && Kqueue.data(out, i) != 0) {
                refusedFilter = Kqueue.filter(out, i);
                refusedErrno = (int) Kqueue.data(out, i);
                return refusedErrno;
            }
        }
        return 0;
    }

    private static ErrnoException refused(String action, short filter, int fd, int errno) {
        return Errno.exception("kevent(" + action + " " + Kqueue.filterName(filter) + ", fd=" + fd + ")", errno);
    }

    private void allocateEvents(int n) {
        Arena next = Arena.ofShared();
        events = next.allocate(Kqueue.KEVENT_SIZE * n, 8);
        firstBatch = n <= Kqueue.MAX_RESULTS_PER_CALL ? events : events.asSlice(0, Kqueue.KEVENT_SIZE * Kqueue.MAX_RESULTS_PER_CALL);
        if (eventsArena != null) {
            eventsArena.close();
        }
        eventsArena = next;
        capacity = n;
        readyFds = new int[n];
        readyMasks = new int[n];
    }
}
