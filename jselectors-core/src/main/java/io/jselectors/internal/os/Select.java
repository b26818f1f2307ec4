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
import java.nio.ByteOrder;

/**
 * POSIX {@code select}: {@code fd_set} as a bounded segment of {@link #FD_SETSIZE} bits, {@code struct
 * timeval}, and the downcall. An fd outside {@code [0, FD_SETSIZE)} is refused before any bit is touched.
 * Sizes from {@link Abi#CURRENT}.
 *
 * <p>Bit {@code fd} of an {@code fd_set} is bit {@code fd % 8} of byte {@code fd / 8} on every
 * little-endian platform, whether the C library declares the set as 64-bit words (glibc, FreeBSD) or
 * 32-bit words (macOS); this class reads and writes 64-bit words, little-endian only (every profile is).
 */
public final class Select {
    private static final AbiTable OS = Abi.CURRENT;

    /** Bits in one fd_set. */
    public static final int FD_SETSIZE = OS.constant("FD_SETSIZE");
    /** Bytes in one fd_set. */
    public static final long FD_SET_BYTES = OS.sizeOf("fd_set");
    /** {@code fd_set}: an array of 64-bit words, bit (fd % 64) of word (fd / 64). */
    public static final MemoryLayout FD_SET = MemoryLayout.sequenceLayout(FD_SET_BYTES / 8, ValueLayout.JAVA_LONG);

    private static final long TV_USEC_OFFSET = OS.offsetOf("timeval.tv_usec");
    private static final boolean TV_USEC_IS_INT = OS.sizeOf("timeval.tv_usec") == 4;
    /** {@code struct timeval}: {@code time_t tv_sec} and a {@code suseconds_t tv_usec} of 8 bytes, or 4 on macOS. */
    public static final StructLayout TIMEVAL = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("tv_sec"),
            TV_USEC_IS_INT
                    ? MemoryLayout.structLayout(ValueLayout.JAVA_INT.withName("tv_usec"), MemoryLayout.paddingLayout(4))
                    : ValueLayout.JAVA_LONG.withName("tv_usec"));

    static {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN || FD_SET_BYTES * 8 != FD_SETSIZE) {
            throw new IllegalStateException("fd_set of " + FD_SET_BYTES + " bytes for " + FD_SETSIZE
                    + " fds on a " + ByteOrder.nativeOrder() + " CPU: not the layout this binding writes");
        }
        OS.checkSize(TIMEVAL, "timeval");
    }

    private static final MethodHandle SELECT = Native.downcall(
            "select", FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER));

    private Select() {}

    /**
     * Calls {@code select(nfds, readfds, writefds, NULL, timeout)}.
     *
     * @param nfds     highest fd + 1, at most {@link #FD_SETSIZE}
     * @param readfds  an fd_set, or NULL
     * @param writefds an fd_set, or NULL
     * @param timeval  a {@link #TIMEVAL}, or NULL to block
     * @return how many bits are set in all, or -1 when interrupted (EINTR)
     * @throws ErrnoException on other errors (EBADF when a watched fd is closed)
     */
    public static int select(int nfds, MemorySegment readfds, MemorySegment writefds, MemorySegment timeval)
            throws ErrnoException {
        if (nfds < 0 || nfds > FD_SETSIZE) {
            throw new IllegalArgumentException("nfds " + nfds + " is outside 0.." + FD_SETSIZE);
        }
        checkSet(readfds);
        checkSet(writefds);
        if (!timeval.equals(MemorySegment.NULL) && timeval.byteSize() < TIMEVAL.byteSize()) {
            throw new IllegalArgumentException("timeval needs " + TIMEVAL.byteSize() + " bytes");
        }
        MemorySegment st = Native.errnoState();
        int n;
        try {
            n = (int) SELECT.invokeExact(st, nfds, readfds, writefds, MemorySegment.NULL, timeval);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        if (n >= 0) {
            return n;
        }
        if (Native.errno(st) == Errno.EINTR) {
            return -1;
        }
        throw Native.error("select(nfds=" + nfds + ")", st);
    }

    /**
     * Stores a non-negative wait into a {@link #TIMEVAL}.
     *
     * @param timeval the struct
     * @param micros  the wait in microseconds
     */
    public static void setTimeval(MemorySegment timeval, long micros) {
        timeval.set(ValueLayout.JAVA_LONG, 0, micros / 1_000_000);
        if (TV_USEC_IS_INT) {
            timeval.set(ValueLayout.JAVA_INT, TV_USEC_OFFSET, (int) (micros % 1_000_000));
        } else {
            timeval.set(ValueLayout.JAVA_LONG, TV_USEC_OFFSET, micros % 1_000_000);
        }
    }

    /** Sets the bit of fd. */
    public static void set(MemorySegment fdSet, int fd) {
        long off = wordOffset(fd);
        fdSet.set(ValueLayout.JAVA_LONG, off, fdSet.get(ValueLayout.JAVA_LONG, off) | bit(fd));
    }

    /** Clears the bit of fd. */
    public static void clear(MemorySegment fdSet, int fd) {
        long off = wordOffset(fd);
        fdSet.set(ValueLayout.JAVA_LONG, off, fdSet.get(ValueLayout.JAVA_LONG, off) & ~bit(fd));
    }

    /** @return whether the bit of fd is set */
    public static boolean isSet(MemorySegment fdSet, int fd) {
        return (fdSet.get(ValueLayout.JAVA_LONG, wordOffset(fd)) & bit(fd)) != 0;
    }

    private static long wordOffset(int fd) {
        if (fd < 0 || fd >= FD_SETSIZE) {
            throw new IllegalArgumentException("fd " + fd + " is outside the fd_set (0.." + (FD_SETSIZE - 1) + ")");
        }
        return (long) (fd >>> 6) * Long.BYTES;
    }

    private static long bit(int fd) {
        return 1L << (fd & 63);
    }

    private static void checkSet(MemorySegment s) {
        if (!s.equals(MemorySegment.NULL) && s.byteSize() < FD_SET_BYTES) {
            throw new IllegalArgumentException("fd_set needs " + FD_SET_BYTES + " bytes, got " + s.byteSize());
        }
    }
}
