package io.jselectors.internal.os;

import static io.jselectors.internal.os.Native.C_INT;
import static io.jselectors.internal.os.Native.C_POINTER;
import static io.jselectors.internal.os.Native.C_SIZE_T;

import io.jselectors.ErrnoException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;

/**
 * Scatter/gather I/O from {@code <sys/uio.h>}: {@code struct iovec}, {@code writev}, {@code readv}; sizes
 * from {@link Abi#CURRENT}.
 */
public final class Uio {
    private static final AbiTable OS = Abi.CURRENT;

    /** {@code struct iovec} (LP64): base pointer, length. */
    public static final StructLayout IOVEC =
            MemoryLayout.structLayout(C_POINTER.withName("iov_base"), C_SIZE_T.withName("iov_len"));
    /** Size of one {@code struct iovec}. */
    public static final long IOVEC_SIZE = IOVEC.byteSize();
    /** Offset of {@code iov_base}. */
    public static final long IOV_BASE_OFFSET = OS.offsetOf("iovec.iov_base");
    /** Offset of {@code iov_len}. */
    public static final long IOV_LEN_OFFSET = OS.offsetOf("iovec.iov_len");
    /** The most iovecs one call takes ({@code IOV_MAX} of {@code <limits.h>}). */
    public static final int IOV_MAX = OS.constant("IOV_MAX");

    static {
        OS.checkSize(IOVEC, "iovec");
        if (IOV_LEN_OFFSET != IOVEC.byteOffset(MemoryLayout.PathElement.groupElement("iov_len"))) {
            throw new IllegalStateException("iovec.iov_len is not where the " + OS.profile() + " table puts it");
        }
    }

    private static final MethodHandle WRITEV =
            Native.downcall("writev", FunctionDescriptor.of(C_SIZE_T, C_INT, C_POINTER, C_INT));
    private static final MethodHandle READV =
            Native.downcall("readv", FunctionDescriptor.of(C_SIZE_T, C_INT, C_POINTER, C_INT));

    private Uio() {}

    /**
     * Writes the buffers described by {@code count} iovecs. EINTR is retried.
     *
     * @param fd    the descriptor
     * @param iov   an array of {@link #IOVEC} pointing at live native memory
     * @param count how many iovecs to use, at most {@link #IOV_MAX} and what {@code iov} holds
     * @return the count written, or {@link Unistd#WOULD_BLOCK}
     * @throws ErrnoException on EPIPE, ...
     */
    public static long writev(int fd, MemorySegment iov, int count) throws ErrnoException {
        return transfer(WRITEV, "writev", fd, iov, count);
    }

    /**
     * Reads into the buffers described by {@code count} iovecs. EINTR is retried.
     *
     * @param fd    the descriptor
     * @param iov   an array of {@link #IOVEC} pointing at live native memory
     * @param count how many iovecs to use
     * @return the count read (0 at end of file), or {@link Unistd#WOULD_BLOCK}
     * @throws ErrnoException on failure
     */
    public static long readv(int fd, MemorySegment iov, int count) throws ErrnoException {
        return transfer(READV, "readv", fd, iov, count);
    }

    private static long transfer(MethodHandle h, String call, int fd, MemorySegment iov, int count)
            throws ErrnoException {
        if (count < 0 || count > IOV_MAX || count * IOVEC_SIZE > iov.byteSize()) {
            throw new IllegalArgumentException(call + ": " + count + " iovecs do not fit " + iov.byteSize() + " bytes");
        }
        MemorySegment st = Native.errnoState();
        long r;
        do {
            long n;
            try {
                n = (long) h.invokeExact(st, fd, iov, count);
            } catch (Throwable t) {
                throw Native.linkageFailure(t);
            }
            r = Native.ioResult(n, call, fd, st);
        } while (r == Native.RETRY);
        return r;
    }
}
