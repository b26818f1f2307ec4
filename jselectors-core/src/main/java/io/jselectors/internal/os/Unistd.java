package io.jselectors.internal.os;

import static io.jselectors.internal.os.Native.C_INT;
import static io.jselectors.internal.os.Native.C_POINTER;
import static io.jselectors.internal.os.Native.C_SIZE_T;

import io.jselectors.ErrnoException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * {@code read}, {@code write}, {@code close} and {@code pipe2} from {@code <unistd.h>}; {@code O_} flags
 * from {@code <fcntl.h>} ({@link Abi#CURRENT}). Where the C library has no {@code pipe2} (macOS),
 * {@link #pipe2} is {@code pipe} then {@code fcntl}, and {@code pipe2} is never looked up.
 */
public final class Unistd {
    private static final AbiTable OS = Abi.CURRENT;

    /** Returned by {@link #read} and {@link #write} when a non-blocking fd would block (EAGAIN). */
    public static final long WOULD_BLOCK = Native.WOULD_BLOCK;

    /** {@code O_NONBLOCK} for pipe2 and fcntl. */
    public static final int O_NONBLOCK = OS.constant("O_NONBLOCK");
    /** {@code O_CLOEXEC} for pipe2. */
    public static final int O_CLOEXEC = OS.constant("O_CLOEXEC");

    /** read(2) of every loop read: through syscall(2) where the table has its number (no cancellation point). */
    private static final MethodHandle READ = Native.withoutCancellation(OS, "SYS_read", "read",
            FunctionDescriptor.of(C_SIZE_T, C_INT, C_POINTER, C_SIZE_T));
    private static final MethodHandle WRITE =
            Native.downcall("write", FunctionDescriptor.of(C_SIZE_T, C_INT, C_POINTER, C_SIZE_T));
    private static final MethodHandle CLOSE = Native.downcall("close", FunctionDescriptor.of(C_INT, C_INT));
    private static final boolean HAS_PIPE2 = OS.hasFunction("pipe2");
    /** Linked only where the table lists pipe2; null elsewhere. */
    private static final MethodHandle PIPE2 =
            HAS_PIPE2 ? Native.downcall("pipe2", FunctionDescriptor.of(C_INT, C_POINTER, C_INT)) : null;
    private static final MethodHandle PIPE = Native.downcall("pipe", FunctionDescriptor.of(C_INT, C_POINTER));

    /** read(2) and write(2) straight on Java arrays (critical: for non-blocking descriptors only). */
    private static final MethodHandle READ_ARRAY =
            Native.heapDowncall("read", FunctionDescriptor.of(C_SIZE_T, C_INT, C_POINTER, C_SIZE_T));
    private static final MethodHandle WRITE_ARRAY =
            Native.heapDowncall("write", FunctionDescriptor.of(C_SIZE_T, C_INT, C_POINTER, C_SIZE_T));

    private Unistd() {}

    /**
     * Reads up to {@code buf.byteSize()} bytes. EINTR is retried.
     *
     * @param fd  the descriptor
     * @param buf where the bytes land; its size bounds the read
     * @return the count read (0 at end of file), or {@link #WOULD_BLOCK}
     * @throws ErrnoException on any other error
     */
    public static long read(int fd, MemorySegment buf) throws ErrnoException {
        MemorySegment st = Native.errnoState();
        long r;
        do {
            long n;
            try {
                n = (long) READ.invokeExact(st, fd, buf, buf.byteSize());
            } catch (Throwable t) {
                throw Native.linkageFailure(t);
            }
            r = Native.ioResult(n, "read", fd, st);
        } while (r == Native.RETRY);
        return r;
    }

    /**
     * Writes up to {@code buf.byteSize()} bytes. EINTR is retried.
     *
     * @param fd  the descriptor
     * @param buf the bytes; its size bounds the write
     * @return the count written, or {@link #WOULD_BLOCK}
     * @throws ErrnoException on any other error (EPIPE for a closed reader)
     */
    public static long write(int fd, MemorySegment buf) throws ErrnoException {
        MemorySegment st = Native.errnoState();
        long r;
        do {
            long n;
            try {
                n = (long) WRITE.invokeExact(st, fd, buf, buf.byteSize());
            } catch (Throwable t) {
                throw Native.linkageFailure(t);
            }
            r = Native.ioResult(n, "write", fd, st);
        } while (r == Native.RETRY);
        return r;
    }

    /**
     * Closes a descriptor. EINTR is not retried: on Linux the fd is closed whatever close returns.
     *
     * @param fd the descriptor
     * @throws ErrnoException on EBADF or an I/O error reported at close
     */
    public static void close(int fd) throws ErrnoException {
        MemorySegment st = Native.errnoState();
        int r;
        try {
            r = (int) CLOSE.invokeExact(st, fd);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        if (r < 0 && Native.errno(st) != Errno.EINTR) {
            throw Native.error("close", fd, st);
        }
    }

    /**
     * Creates a pipe: {@code pipe2} where the C library has it, else {@link #pipeThenFcntl}.
     *
     * @param fds   two C ints: [0] receives the read end, [1] the write end
     * @param flags {@link #O_NONBLOCK} and/or {@link #O_CLOEXEC}
     * @throws ErrnoException on EMFILE, ENFILE, ...
     */
    public static void pipe2(MemorySegment fds, int flags) throws ErrnoException {
        if (fds.byteSize() < 2 * C_INT.byteSize()) {
            throw new IllegalArgumentException("pipe2 needs room for two ints, got " + fds.byteSize() + " bytes");
        }
        if (!HAS_PIPE2) {
            pipeThenFcntl(fds, flags);
            return;
        }
        MemorySegment st = Native.errnoState();
        int r;
        try {
            r = (int) PIPE2.invokeExact(st, fds, flags);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        if (r < 0) {
            throw Native.error("pipe2(flags=0x" + Integer.toHexString(flags) + ")", st);
        }
    }

    /**
     * Creates a pipe with {@code pipe}, then sets the flags with {@code fcntl}: what {@link #pipe2} does
     * where the C library has no pipe2 (macOS). Runs anywhere, so that tests can run it on Linux. Another
     * thread's fork+exec between the two calls can inherit the fds; the JDK's own pipes on macOS share this.
     *
     * @param fds   two C ints: [0] receives the read end, [1] the write end
     * @param flags {@link #O_NONBLOCK} and/or {@link #O_CLOEXEC}; no others
     * @throws ErrnoException on EMFILE, ENFILE, ...; no fd is left open then
     */
    static void pipeThenFcntl(MemorySegment fds, int flags) throws ErrnoException {
        if ((flags & ~(O_NONBLOCK | O_CLOEXEC)) != 0) {
            throw new IllegalArgumentException("pipe flags 0x" + Integer.toHexString(flags) + " beyond O_NONBLOCK|O_CLOEXEC");
        }
        MemorySegment st = Native.errnoState();
        int r;
        try {
            r = (int) PIPE.invokeExact(st, fds);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        if (r < 0) {
            throw Native.error("pipe", st);
        }
        int readEnd = fds.getAtIndex(C_INT, 0);
        int writeEnd = fds.getAtIndex(C_INT, 1);
        boolean nonBlocking = (flags & O_NONBLOCK) != 0;
        boolean cloexec = (flags & O_CLOEXEC) != 0;
        try {
            Fcntl.setFlagsOrClose(readEnd, nonBlocking, cloexec);
        } catch (ErrnoException e) {
            closeAfterFailure(writeEnd, e);
            throw e;
        }
        try {
            Fcntl.setFlagsOrClose(writeEnd, nonBlocking, cloexec);
        } catch (ErrnoException e) {
            closeAfterFailure(readEnd, e);
            throw e;
        }
    }

    /**
     * Closes a descriptor that a failed set-up leaves behind; a failure of the close is added to the
     * exception already on its way.
     *
     * @param fd      the descriptor
     * @param pending the exception the caller will throw
     */
    static void closeAfterFailure(int fd, ErrnoException pending) {
        try {
            close(fd);
        } catch (ErrnoException e) {
            pending.addSuppressed(e);
        }
    }

    /**
     * Reads into part of a Java array, without staging it through native memory. The descriptor must be
     * non-blocking: the call runs as a critical downcall, during which the garbage collector waits. EINTR
     * is retried.
     *
     * @param fd  a non-blocking descriptor
     * @param dst the array
     * @param off where the bytes land
     * @param len at most this many
     * @return the count read (0 at end of file), or {@link #WOULD_BLOCK}
     * @throws IndexOutOfBoundsException if off/len do not fit the array
     * @throws ErrnoException            on any other error
     */
    public static long readArray(int fd, byte[] dst, int off, int len) throws ErrnoException {
        return transfer(READ_ARRAY, "read", fd, MemorySegment.ofArray(dst).asSlice(off, len));
    }

    /**
     * Writes part of a Java array, without staging it through native memory; as {@link #readArray}, for
     * non-blocking descriptors only. EINTR is retried.
     *
     * @param fd  a non-blocking descriptor
     * @param src the array
     * @param off the first byte
     * @param len at most this many
     * @return the count written, or {@link #WOULD_BLOCK}
     * @throws IndexOutOfBoundsException if off/len do not fit the array
     * @throws ErrnoException            on any other error (EPIPE for a closed reader)
     */
    public static long writeArray(int fd, byte[] src, int off, int len) throws ErrnoException {
        return transfer(WRITE_ARRAY, "write", fd, MemorySegment.ofArray(src).asSlice(off, len));
    }

    /**
     * One read or write of a heap array, EINTR retried. {@link #read} and {@link #write} keep their own
     * copy of this loop, so that on the select hot path the handle stays a constant the compiler inlines
     * and no call shape of the heap variants reaches their profile.
     */
    private static long transfer(MethodHandle call, String name, int fd, MemorySegment buf) throws ErrnoException {
        MemorySegment st = Native.errnoState();
        long r;
        do {
            long n;
            try {
                n = (long) call.invokeExact(st, fd, buf, buf.byteSize());
            } catch (Throwable t) {
                throw Native.linkageFailure(t);
            }
            r = Native.ioResult(n, name, fd, st);
        } while (r == Native.RETRY);
        return r;
    }
}
