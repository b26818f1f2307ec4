package io.jselectors.internal.os;

import static io.jselectors.internal.os.Native.C_INT;
import static io.jselectors.internal.os.Native.C_LONG;
import static io.jselectors.internal.os.Native.C_POINTER;

import io.jselectors.ErrnoException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** POSIX {@code poll}: constants, {@code struct pollfd} (8 bytes everywhere) and the downcall. */
public final class Poll {
    /** Readable. */
    public static final short POLLIN = 0x001;
    /** Urgent data. */
    public static final short POLLPRI = 0x002;
    /** Writable. */
    public static final short POLLOUT = 0x004;
    /** Error; always reported. */
    public static final short POLLERR = 0x008;
    /** Hang-up; always reported. */
    public static final short POLLHUP = 0x010;
    /** The fd is not open; always reported. */
    public static final short POLLNVAL = 0x020;

    /** {@code struct pollfd { int fd; short events; short revents; }}. */
    public static final StructLayout POLLFD = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("fd"),
            ValueLayout.JAVA_SHORT.withName("events"),
            ValueLayout.JAVA_SHORT.withName("revents"));
    /** Size of one {@code struct pollfd}. */
    public static final long POLLFD_SIZE = POLLFD.byteSize();

    private static final MethodHandle POLL =
            Native.downcall("poll", FunctionDescriptor.of(C_INT, C_POINTER, C_LONG, C_INT));

    private Poll() {}

    /**
     * Waits for events on the first {@code nfds} entries of {@code fds}.
     *
     * @param fds       an array of {@code struct pollfd}; bounds nfds
     * @param nfds      how many entries to watch
     * @param timeoutMs -1 blocks, 0 returns at once
     * @return how many entries have non-zero revents, or -1 when interrupted (EINTR)
     * @throws ErrnoException on other errors
     */
    public static int poll(MemorySegment fds, int nfds, int timeoutMs) throws ErrnoException {
        if (nfds < 0 || nfds * POLLFD_SIZE > fds.byteSize()) {
            throw new IllegalArgumentException("nfds " + nfds + " exceeds the pollfd array of " + fds.byteSize() + " bytes");
        }
        MemorySegment st = Native.errnoState();
        int n;
        try {
            n = (int) POLL.invokeExact(st, fds, (long) nfds, timeoutMs);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        if (n >= 0) {
            return n;
        }
        if (Native.errno(st) == Errno.EINTR) {
            return -1;
        }
        throw Native.error("poll(nfds=" + nfds + ")", st);
    }

    /** @return the fd of entry i */
    public static int fd(MemorySegment fds, int i) {
        return fds.get(ValueLayout.JAVA_INT, i * POLLFD_SIZE);
    }

    /** @return the revents of entry i */
    public static int revents(MemorySegment fds, int i) {
        return fds.get(ValueLayout.JAVA_SHORT, i * POLLFD_SIZE + 6) & 0xffff;
    }

    /** Fills entry i, clearing its revents. */
    public static void set(MemorySegment fds, int i, int fd, int events) {
        fds.set(ValueLayout.JAVA_INT, i * POLLFD_SIZE, fd);
        fds.set(ValueLayout.JAVA_SHORT, i * POLLFD_SIZE + 4, (short) events);
        fds.set(ValueLayout.JAVA_SHORT, i * POLLFD_SIZE + 6, (short) 0);
    }
}
