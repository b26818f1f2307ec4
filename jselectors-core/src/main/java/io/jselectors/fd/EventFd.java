package io.jselectors.fd;

import io.jselectors.ErrnoException;
import java.io.IOException;

/**
 * A Linux eventfd: a kernel 64-bit counter behind a descriptor, readable while it is above zero and
 * writable while one more {@link #add} fits. Threads (or processes sharing the fd) signal each other
 * through it; any thread may call {@link #add}.
 *
 * <pre>{@code
 * try (Selector sel = Selector.open(); EventFd ev = EventFd.open(0)) {
 *     sel.register(ev, Selector.EVENT_READ);
 *     ev.add(3);                                  // from any thread
 *     sel.select(Duration.ofSeconds(1));          // ev is readable
 *     long n = ev.take();                         // 3, and the counter is 0 again
 * }
 * }</pre>
 *
 * <p>In semaphore mode ({@link #openSemaphore}) each {@link #take()} takes 1 instead of everything.
 * On macOS and the BSDs there is no eventfd ({@link #isAvailable()} is false); a pipe, or a kqueue
 * {@code EVFILT_USER} event, does this job there.
 */
public final class EventFd extends FdResource {
    /** The largest value the counter holds: 2^64 - 2 (unsigned). */
    public static final long MAX = 0xffff_ffff_ffff_fffeL;

    private final boolean semaphore;

    private EventFd(int fd, boolean semaphore) {
        super("eventfd", fd);
        this.semaphore = semaphore;
    }

    /**
     * Whether this platform has eventfd (Linux).
     *
     * @return true on Linux
     */
    public static boolean isAvailable() {
        return io.jselectors.internal.os.EventFd.isAvailable();
    }

    /**
     * Opens a counter (non-blocking, close-on-exec): each {@link #take()} returns the whole count.
     *
     * @param initial the counter's first value, 0 to 2^32 - 1
     * @return the eventfd
     * @throws IllegalArgumentException      if {@code initial} is out of range
     * @throws ErrnoException                on EMFILE, ENFILE, ...
     * @throws UnsupportedOperationException where there is no eventfd ({@link #isAvailable()})
     */
    public static EventFd open(long initial) throws IOException {
        return open(initial, false);
    }

    /**
     * Opens a semaphore (non-blocking, close-on-exec): each {@link #take()} takes 1 while the count is above zero.
     *
     * @param initial the counter's first value, 0 to 2^32 - 1
     * @return the eventfd
     * @throws IllegalArgumentException      if {@code initial} is out of range
     * @throws ErrnoException                on EMFILE, ENFILE, ...
     * @throws UnsupportedOperationException where there is no eventfd ({@link #isAvailable()})
     */
    public static EventFd openSemaphore(long initial) throws IOException {
        return open(initial, true);
    }

    private static EventFd open(long initial, boolean semaphore) throws IOException {
        if (initial < 0 || initial > 0xffff_ffffL) {
            throw new IllegalArgumentException("initial value " + initial + " is out of range: 0 to 4294967295");
        }
        if (!isAvailable()) {
            throw unavailable("eventfd", "EVFILT_USER");
        }
        int flags = io.jselectors.internal.os.EventFd.EFD_NONBLOCK | io.jselectors.internal.os.EventFd.EFD_CLOEXEC
                | (semaphore ? io.jselectors.internal.os.EventFd.EFD_SEMAPHORE : 0);
        try {
            return new EventFd(io.jselectors.internal.os.EventFd.eventfd((int) initial, flags), semaphore);
        } catch (ErrnoException e) {
            throw withFdHint(e);
        }
    }

    /**
     * Adds to the counter, waking whoever selects for reading.
     *
     * @param n how much, 1 to {@link #MAX} (unsigned)
     * @return true, or false when the counter cannot take {@code n} more now (it would pass {@link #MAX}):
     *         nothing was added; {@link #take()} first, or wait for {@code EVENT_WRITE}
     * @throws IllegalArgumentException if {@code n} is 0 or -1 (2^64 - 1, which the kernel refuses)
     * @throws java.nio.channels.ClosedChannelException when closed
     * @throws ErrnoException           on an unexpected error from write
     */
    public boolean add(long n) throws IOException {
        if (n == 0 || n == -1) {
            throw new IllegalArgumentException("add " + Long.toUnsignedString(n) + ": must be 1 to " + Long.toUnsignedString(MAX));
        }
        return writeCount("eventfd add", n);
    }

    /**
     * Takes from the counter: the whole count (counter mode, which resets it to 0) or 1 (semaphore mode).
     *
     * @return what was taken (unsigned), or 0 when the counter is 0 (nothing to take; select for reading)
     * @throws java.nio.channels.ClosedChannelException when closed
     * @throws ErrnoException on an unexpected error from read
     */
    public long take() throws IOException {
        return readCount("eventfd take");
    }

    /**
     * Whether this eventfd was opened with {@link #openSemaphore}.
     *
     * @return true in semaphore mode
     */
    public boolean isSemaphore() {
        return semaphore;
    }
}
