package io.jselectors.internal.os;

import static io.jselectors.internal.os.Native.C_INT;
import static io.jselectors.internal.os.Native.C_POINTER;

import io.jselectors.ErrnoException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * POSIX {@code poll}: constants, {@code struct pollfd} (8 bytes everywhere) and the downcall. Values from
 * {@link Abi#CURRENT}; {@code nfds_t} is an {@code unsigned long} on Linux and an {@code unsigned int} on
 * the BSDs, so the C signature is chosen by its size while the Java one stays {@code long}.
 */
public final class Poll {
    private static final AbiTable OS = Abi.CURRENT;

    /** Readable. */
    public static final short POLLIN = (short) OS.constant("POLLIN");
    /** Urgent data. */
    public static final short POLLPRI = (short) OS.constant("POLLPRI");
    /** Writable. */
    public static final short POLLOUT = (short) OS.constant("POLLOUT");
    /** Error; always reported. */
    public static final short POLLERR = (short) OS.constant("POLLERR");
    /** Hang-up; always reported. */
    public static final short POLLHUP = (short) OS.constant("POLLHUP");
    /** The fd is not open; always reported. */
    public static final short POLLNVAL = (short) OS.constant("POLLNVAL");

    private static final long FD_OFFSET = OS.offsetOf("pollfd.fd");
    private static final long EVENTS_OFFSET = OS.offsetOf("pollfd.events");
    private static final long REVENTS_OFFSET = OS.offsetOf("pollfd.revents");

    /** {@code struct pollfd { int fd; short events; short revents; }}. */
    public static final StructLayout POLLFD = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("fd"),
            ValueLayout.JAVA_SHORT.withName("events"),
            ValueLayout.JAVA_SHORT.withName("revents"));
    /** Size of one {@code struct pollfd}. */
    public static final long POLLFD_SIZE = OS.sizeOf("pollfd");

    static {
        OS.checkSize(POLLFD, "pollfd");
    }

    /** {@code int poll(struct pollfd *, nfds_t, int)}, seen from Java as (state, fds, long nfds, int timeout). */
    private static final MethodHandle POLL = Native.adapt(
            Native.downcall("poll",
                    FunctionDescriptor.of(C_INT, C_POINTER, Native.cUnsigned(OS.sizeOf("nfds_t")), C_INT)),
            int.class, MemorySegment.class, MemorySegment.class, long.class, int.class);

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
        return fds.get(ValueLayout.JAVA_INT, i * POLLFD_SIZE + FD_OFFSET);
    }

    /** @return the revents of entry i */
    public static int revents(MemorySegment fds, int i) {
        return fds.get(ValueLayout.JAVA_SHORT, i * POLLFD_SIZE + REVENTS_OFFSET) & 0xffff;
    }

    /** Fills entry i, clearing its revents. */
    public static void set(MemorySegment fds, int i, int fd, int events) {
        fds.set(ValueLayout.JAVA_INT, i * POLLFD_SIZE + FD_OFFSET, fd);
        fds.set(ValueLayout.JAVA_SHORT, i * POLLFD_SIZE + EVENTS_OFFSET, (short) events);
        fds.set(ValueLayout.JAVA_SHORT, i * POLLFD_SIZE + REVENTS_OFFSET, (short) 0);
    }
}
