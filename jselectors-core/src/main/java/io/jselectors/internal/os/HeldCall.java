package io.jselectors.internal.os;

import static io.jselectors.internal.os.Native.C_LONG;
import static io.jselectors.internal.os.Native.C_POINTER;

import io.jselectors.ErrnoException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;

/**
 * Gathering writes ({@code writev}, {@code sendmsg}) that keep the memory their iovecs point at alive
 * for the whole call.
 *
 * <p>An iovec holds raw addresses: the FFM runtime cannot see them, so on its own nothing stops another
 * thread from closing a shared arena (and the allocator from reusing its memory) while the kernel
 * copies from it, and nothing checks that a segment's arena is still open or that a confined segment
 * belongs to the calling thread. What the runtime does guarantee is that every {@link MemorySegment}
 * passed as a pointer <em>argument</em> of a downcall is alive and accessible when the call starts and
 * is kept alive until it returns (closing its shared arena meanwhile throws
 * {@link IllegalStateException} in the closing thread). So these calls go through the C library's
 * variadic {@code syscall(long number, ...)} and pass, after the system call's own three arguments,
 * every segment an iovec points into. The kernel reads only the first three; the C standard lets a
 * variadic function ignore arguments it does not consume.
 *
 * <p>One handle per size class ({@link #classSize(int)}): the unused slots carry
 * {@link MemorySegment#NULL}, which is always alive. The system call numbers come from the OS table
 * ({@code SYS_writev}, {@code SYS_sendmsg}: the Linux profiles have them); on other platforms
 * {@link #isAvailable()} is false and callers write one segment per call instead.
 */
public final class HeldCall {
    /** The most segments one call can hold alive. */
    public static final int MAX_HELD = 64;

    private static final int[] CLASSES = {2, 8, MAX_HELD};

    private static final long SYS_WRITEV;
    private static final long SYS_SENDMSG;

    static {
        // System call numbers are per CPU; only the Linux tables have them (the BSDs' variadic syscall()
        // is deprecated on macOS and not worth the risk there).
        SYS_WRITEV = Abi.CURRENT.constantOr("SYS_writev", -1);
        SYS_SENDMSG = Abi.CURRENT.constantOr("SYS_sendmsg", -1);
    }

    private static final MethodHandle[] HANDLES = new MethodHandle[CLASSES.length];

    private HeldCall() {}

    /** @return true when this platform's system call numbers are known */
    public static boolean isAvailable() {
        return SYS_WRITEV >= 0;
    }

    /**
     * Returns the length of the array to pass for {@code n} held segments.
     *
     * @param n how many segments must be held, 0 to {@link #MAX_HELD}
     * @return 2, 8 or {@link #MAX_HELD}
     */
    public static int classSize(int n) {
        for (int c : CLASSES) {
            if (n <= c) {
                return c;
            }
        }
        throw new IllegalArgumentException(n + " held segments; at most " + MAX_HELD);
    }

    /**
     * {@code writev(fd, iov, count)}, holding {@code held} alive for the call. EINTR is retried.
     *
     * @param fd    the descriptor
     * @param iov   an array of {@link Uio#IOVEC}, every base inside {@code iov} itself or one of {@code held}
     * @param count how many iovecs, at most {@link Uio#IOV_MAX}
     * @param held  {@link #classSize(int)} segments, unused slots {@link MemorySegment#NULL}
     * @return the count written, or {@link Unistd#WOULD_BLOCK}
     * @throws ErrnoException                              on EPIPE, ...
     * @throws IllegalStateException                       if a held segment's arena is closed
     * @throws WrongThreadException                        if a held segment is confined to another thread
     */
    public static long writev(int fd, MemorySegment iov, int count, MemorySegment[] held) throws ErrnoException {
        checkIov(iov, count);
        return call(SYS_WRITEV, "writev", fd, iov, count, held);
    }

    /**
     * {@code sendmsg(fd, msghdr, flags)}, holding {@code held} alive for the call. EINTR is retried.
     *
     * @param fd     the socket
     * @param msghdr a {@link Sockets#MSGHDR} whose iovecs point into memory owned by the caller or one of
     *               {@code held}
     * @param flags  {@link Sockets#MSG_NOSIGNAL}, ...
     * @param held   {@link #classSize(int)} segments, unused slots {@link MemorySegment#NULL}
     * @return the count sent, or {@link Unistd#WOULD_BLOCK}
     * @throws ErrnoException        on EPIPE, ECONNRESET, ...
     * @throws IllegalStateException if a held segment's arena is closed
     * @throws WrongThreadException  if a held segment is confined to another thread
     */
    public static long sendmsg(int fd, MemorySegment msghdr, int flags, MemorySegment[] held) throws ErrnoException {
        if (msghdr.byteSize() < Sockets.MSGHDR.byteSize()) {
            throw new IllegalArgumentException("struct msghdr needs " + Sockets.MSGHDR.byteSize() + " bytes");
        }
        return call(SYS_SENDMSG, "sendmsg", fd, msghdr, flags, held);
    }

    private static void checkIov(MemorySegment iov, int count) {
        if (count < 0 || count > Uio.IOV_MAX || count * Uio.IOVEC_SIZE > iov.byteSize()) {
            throw new IllegalArgumentException("writev: " + count + " iovecs do not fit " + iov.byteSize() + " bytes");
        }
    }

    private static long call(long number, String name, int fd, MemorySegment arg, long arg3, MemorySegment[] held)
            throws ErrnoException {
        if (number < 0) {
            throw new UnsupportedOperationException(name + " holding its segments is not available on "
                    + Platform.describe() + ": check HeldCall.isAvailable() first");
        }
        MethodHandle h = handle(held.length);
        MemorySegment st = Native.errnoState();
        long r;
        do {
            long n;
            try {
                n = (long) h.invokeExact(st, number, (long) fd, arg, arg3, held);
            } catch (Throwable t) {
                throw Native.linkageFailure(t);
            }
            r = Native.ioResult(n, name, fd, st);
        } while (r == Native.RETRY);
        return r;
    }

    private static MethodHandle handle(int size) {
        int i = Arrays.binarySearch(CLASSES, size);
        if (i < 0) {
            throw new IllegalArgumentException("held array of " + size + "; use classSize(n)");
        }
        MethodHandle h = HANDLES[i];
        if (h == null) {
            h = link(size);
            HANDLES[i] = h; // a race links twice; both handles are equal
        }
        return h;
    }

    private static MethodHandle link(int held) {
        MemoryLayout[] args = new MemoryLayout[4 + held];
        args[0] = C_LONG; // the system call number
        args[1] = C_LONG; // fd, passed as a long: syscall() reads every argument as a long
        args[2] = C_POINTER; // iov or msghdr
        args[3] = C_LONG; // iovcnt or flags
        Arrays.fill(args, 4, args.length, C_POINTER);
        MethodHandle h = Native.variadicDowncall("syscall", FunctionDescriptor.of(C_LONG, args), 1);
        return h.asSpreader(MemorySegment[].class, held);
    }
}
