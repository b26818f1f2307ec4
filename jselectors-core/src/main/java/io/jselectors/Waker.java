package io.jselectors;

import io.jselectors.internal.os.EventFd;
import io.jselectors.internal.os.Unistd;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The descriptor a selector watches so that another thread can end its wait: an eventfd on Linux,
 * a non-blocking pipe elsewhere. Repeated wakeups before the selector drains cost one write.
 */
final class Waker {
    /** The 8-byte value 1 that every wakeup writes; never written, never freed. */
    private static final MemorySegment ONE = Arena.global().allocate(ValueLayout.JAVA_LONG);

    static {
        ONE.set(ValueLayout.JAVA_LONG, 0, 1L);
    }

    private final int readFd;
    private final int writeFd;
    /** Drain buffer; used only by the selecting thread, freed at close. */
    private final Arena arena = Arena.ofShared();
    private final MemorySegment drainBuf = arena.allocate(64);
    private final AtomicBoolean pending = new AtomicBoolean();
    private final Object lock = new Object();
    private boolean closed;

    Waker() throws IOException {
        if (EventFd.isAvailable()) {
            readFd = EventFd.eventfd(0, EventFd.EFD_NONBLOCK | EventFd.EFD_CLOEXEC);
            writeFd = readFd;
        } else {
            MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, 2);
            try {
                Unistd.pipe2(fds, Unistd.O_NONBLOCK | Unistd.O_CLOEXEC);
            } catch (IOException e) {
                arena.close();
                throw e;
            }
            readFd = fds.getAtIndex(ValueLayout.JAVA_INT, 0);
            writeFd = fds.getAtIndex(ValueLayout.JAVA_INT, 1);
        }
    }

    /** @return whether fd is one of this waker's descriptors */
    boolean owns(int fd) {
        return fd == readFd || fd == writeFd;
    }

    /** @return the fd the selector watches for reading */
    int fd() {
        return readFd;
    }

    /** Any thread: makes the watched fd readable unless a wakeup is already pending. */
    void wakeup() {
        if (!pending.compareAndSet(false, true)) {
            return;
        }
        synchronized (lock) {
            if (closed) {
                return;
            }
            try {
                // eventfd takes 8 bytes; a pipe takes 1 of them. A full pipe already wakes the reader.
                Unistd.write(writeFd, readFd == writeFd ? ONE : ONE.asSlice(0, 1));
            } catch (IOException e) {
                // Cannot happen on a live eventfd or pipe we own; the next select still sees pending data.
                pending.set(false);
            }
        }
    }

    /** Selecting thread: consumes the wakeup after the selector saw the fd readable. */
    void drain() throws IOException {
        // Read first, then clear. A wakeup() before the clear sees pending set and writes nothing,
        // which is right: the select draining now returns anyway. One after the clear writes, and
        // the next select returns at once. Clearing first would let a write land between the clear
        // and the read: the read would consume it and leave pending set over an empty fd, and every
        // later wakeup() would be skipped for ever.
        try {
            while (Unistd.read(readFd, drainBuf) > 0 && readFd != writeFd) {
                // keep draining the pipe
            }
        } finally {
            pending.set(false);
        }
    }

    void close() throws IOException {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            Unistd.close(readFd);
            if (writeFd != readFd) {
                Unistd.close(writeFd);
            }
        } finally {
            arena.close();
        }
    }
}
