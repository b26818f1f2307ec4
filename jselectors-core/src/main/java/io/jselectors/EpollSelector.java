package io.jselectors;

import io.jselectors.internal.os.Epoll;
import io.jselectors.internal.os.Errno;
import io.jselectors.internal.os.Platform;
import io.jselectors.internal.os.Unistd;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The Linux epoll backend: O(ready) waits, any number of fds. Timeouts have nanosecond granularity
 * where the kernel has {@code epoll_pwait2} (Linux 5.11+), millisecond granularity otherwise.
 *
 * <p>Unregister an fd before closing it. epoll tracks open files, not numbers: an fd closed while a
 * dup of it stays open stays in the kernel's set, and nothing can remove it any more (epoll_ctl needs
 * the number, which now names another file or none). Its events are recognised as stale and handed
 * to nobody (not even a new file that reuses the number), and they never crowd live files out of a
 * select: the event buffer grows until one wait returns every ready registration. But they keep
 * waking the wait until the dup is closed too: a blocking select with only such stale events ready
 * spins, a whole CPU, without returning.
 */
public final class EpollSelector extends BaseSelector {
    private static final int INITIAL_EVENTS = 64;

    private int epfd = -1;
    /** One epoll_event for epoll_ctl, and the timespec for epoll_pwait2; live as long as this selector. */
    private final Arena arena = Arena.ofShared();
    private final MemorySegment ctlEvent = arena.allocate(Epoll.EVENT);
    private final MemorySegment timespec = arena.allocate(Epoll.TIMESPEC);
    /**
     * The ready array, with room for every registered fd and the wakeup fd, so that one wait returns
     * every ready file. Replaced (with its own arena) before a wait, never while a handler runs.
     */
    private Arena eventsArena;
    private MemorySegment events;
    private int capacity;
    /**
     * fd -> generation of its current registration, carried in the high half of epoll_event.data. A
     * registration the kernel keeps after its fd was closed (a dup of it is still open) reports the old
     * generation, so its events are never credited to a new file that reuses the number.
     */
    private int[] generation = new int[64];

    private EpollSelector() throws IOException {
        super();
        try {
            epfd = Epoll.create1(Epoll.EPOLL_CLOEXEC);
            allocateEvents(INITIAL_EVENTS);
            ctl(Epoll.EPOLL_CTL_ADD, wakeupFd(), Epoll.EPOLLIN, 0);
        } catch (IOException | RuntimeException e) {
            close(); // frees whatever was made: the wakeup fd, the arenas, the epoll fd
            throw e;
        }
    }

    /**
     * Opens an epoll selector.
     *
     * @return a new selector
     * @throws UnsupportedOperationException where there is no epoll (not Linux)
     * @throws IOException                   if epoll_create1 fails (EMFILE, ENFILE, ENOMEM)
     */
    public static EpollSelector open() throws IOException {
        if (!isAvailable()) {
            throw new UnsupportedOperationException(
                    "the epoll backend needs Linux; this is " + Platform.describe() + " (use Selector.open())");
        }
        return new EpollSelector();
    }

    /**
     * Returns true on Linux.
     *
     * @return true on Linux
     */
    public static boolean isAvailable() {
        return Epoll.isAvailable();
    }

    @Override
    public String backend() {
        return "epoll";
    }

    @Override
    void osRegister(int fd, int events) throws IOException {
        int gen = generationOf(fd) + 1;
        ctl(Epoll.EPOLL_CTL_ADD, fd, toEpoll(events), gen);
        // Stored once the kernel took the fd, so a refused (say, huge) fd grows nothing.
        if (fd >= generation.length) {
            generation = java.util.Arrays.copyOf(generation, Math.max(fd + 1, generation.length * 2));
        }
        generation[fd] = gen;
    }

    @Override
    void osModify(int fd, int oldEvents, int newEvents) throws IOException {
        ctl(Epoll.EPOLL_CTL_MOD, fd, toEpoll(newEvents), generationOf(fd));
    }

    @Override
    boolean ownsFd(int fd) {
        return fd == epfd;
    }

    @Override
    void osUnregister(int fd, int events) throws IOException {
        int err = Epoll.ctlRaw(epfd, Epoll.EPOLL_CTL_DEL, fd, ctlEvent);
        // EBADF: closed since. ENOENT: closed, and the number reused by a file we never saw. EPERM:
        // reused by a file epoll cannot watch (a regular file, /dev/null). Each means: done.
        if (err != 0 && err != Errno.EBADF && err != Errno.ENOENT && err != Errno.EPERM) {
            throw Errno.exception("epoll_ctl(DEL, fd=" + fd + ")", err);
        }
    }

    @Override
    int osWait(long timeoutNanos) throws IOException {
        int needed = registeredCount() + 1; // and the wakeup fd
        if (needed > capacity) {
            // Grown here, not in register(): a handler may register while its select reads the array.
            allocateEvents(Math.max(needed, capacity * 2));
        }
        int n = waitOnce(timeoutNanos);
        // A full buffer with stale entries (see the class comment) may have left live ready files out.
        // Every ready entry is level-triggered and still queued: grow, and take them all again at once.
        while (n == capacity && hasStale(n)) {
            allocateEvents(capacity * 2);
            do {
                n = waitOnce(0);
            } while (n < 0); // EINTR
        }
        return n;
    }

    private int waitOnce(long timeoutNanos) throws IOException {
        if (timeoutNanos > 0 && Epoll.hasPwait2()) {
            Epoll.setTimespec(timespec, timeoutNanos);
            return Epoll.pwait2(epfd, events, timespec);
        }
        return Epoll.waitMillis(epfd, events, toMillis(timeoutNanos));
    }

    private boolean hasStale(int n) {
        for (int i = 0; i < n; i++) {
            int fd = readyFd(i);
            if (fd < 0 || (fd != wakeupFd() && !isRegistered(fd))) {
                return true;
            }
        }
        return false;
    }

    @Override
    int readyFd(int i) {
        long data = Epoll.data(events, i);
        int fd = (int) data;
        return (int) (data >>> 32) == generationOf(fd) ? fd : -1;
    }

    @Override
    int readyEvents(int i) {
        int raw = Epoll.events(events, i);
        int ready = 0;
        if ((raw & ~Epoll.EPOLLOUT) != 0) {
            ready |= EVENT_READ; // readable, or an error or hang-up the next read will report
        }
        if ((raw & ~Epoll.EPOLLIN) != 0) {
            ready |= EVENT_WRITE;
        }
        return ready;
    }

    @Override
    void osClose() throws IOException {
        try {
            if (epfd >= 0) {
                Unistd.close(epfd);
            }
        } finally {
            if (eventsArena != null) {
                eventsArena.close();
            }
            arena.close();
        }
    }

    private int generationOf(int fd) {
        return fd >= 0 && fd < generation.length ? generation[fd] : 0;
    }

    private void ctl(int op, int fd, int epollEvents, int gen) throws IOException {
        Epoll.set(ctlEvent, 0, epollEvents, ((long) gen << 32) | (fd & 0xffffffffL));
        Epoll.ctl(epfd, op, fd, ctlEvent);
    }

    private void allocateEvents(int n) {
        Arena next = Arena.ofShared();
        events = next.allocate(Epoll.EVENT_SIZE * n, 8);
        if (eventsArena != null) {
            eventsArena.close();
        }
        eventsArena = next;
        capacity = n;
    }

    private static int toEpoll(int events) {
        return ((events & EVENT_READ) != 0 ? Epoll.EPOLLIN : 0) | ((events & EVENT_WRITE) != 0 ? Epoll.EPOLLOUT : 0);
    }
}
