package io.jselectors.internal.os;

import io.jselectors.ErrnoException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Optional;

/**
 * The one place where C functions are looked up and errno is turned into {@link ErrnoException}.
 *
 * <p>Every downcall made through {@link #downcall} takes the calling thread's errno capture segment
 * ({@link #errnoState()}) as its first argument. A binding checks the result and, on failure, calls
 * {@link #error(String, int, MemorySegment)} or {@link #error(String, MemorySegment)}.
 */
public final class Native {
    /** The C {@code int}. */
    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    /** The C {@code long} (LP64: 64 bits). */
    public static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;
    /** The C {@code size_t} / {@code ssize_t} (LP64: 64 bits). */
    public static final ValueLayout.OfLong C_SIZE_T = ValueLayout.JAVA_LONG;
    /** The C {@code short}. */
    public static final ValueLayout.OfShort C_SHORT = ValueLayout.JAVA_SHORT;
    /** A C pointer. */
    public static final ValueLayout C_POINTER = ValueLayout.ADDRESS;

    private static final Linker LINKER = Linker.nativeLinker();
    /** Symbols looked up, whether found or not (only at link time, never on a call). */
    private static final java.util.Set<String> LOOKED_UP = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO_HANDLE =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    /** Each thread's own errno capture segment; freed with the thread (GC-managed arena). */
    private static final ThreadLocal<MemorySegment> ERRNO_STATE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));

    /** {@link #ioResult} for EAGAIN: the non-blocking call would block. Same value as {@code Unistd.WOULD_BLOCK}. */
    public static final long WOULD_BLOCK = -1;
    /** {@link #ioResult} for EINTR: make the call again. */
    public static final long RETRY = Long.MIN_VALUE;

    private Native() {}

    /**
     * Classifies the result of a non-blocking I/O call that returns a count ({@code read}, {@code send},
     * {@code writev}, ...), in one place for every binding: the count as it is; EAGAIN as
     * {@link #WOULD_BLOCK}, never an exception (it is the steady state of non-blocking I/O); EINTR as
     * {@link #RETRY}; any other errno thrown.
     *
     * @param n     what the call returned
     * @param call  the C function, for the message
     * @param fd    the descriptor, for the message
     * @param state the capture segment of the call
     * @return n, {@link #WOULD_BLOCK} or {@link #RETRY}
     * @throws ErrnoException for any other errno, naming the call and the fd
     */
    public static long ioResult(long n, String call, int fd, MemorySegment state) throws ErrnoException {
        if (n >= 0) {
            return n;
        }
        int e = errno(state);
        if (e == Errno.EAGAIN) {
            return WOULD_BLOCK;
        }
        if (e == Errno.EINTR) {
            return RETRY;
        }
        throw error(call, fd, state);
    }

    /**
     * Links a C function that sets errno. The handle takes the errno capture segment first.
     *
     * @param name       the symbol, e.g. {@code "epoll_ctl"}
     * @param descriptor the C signature
     * @return the downcall handle
     * @throws UnsatisfiedLinkError if the C library lacks the symbol
     */
    public static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        return downcallIfPresent(name, descriptor)
                .orElseThrow(() -> new UnsatisfiedLinkError("C library has no " + name + " on " + Platform.describe()));
    }

    /**
     * Links a C function that sets errno, or returns empty when the C library lacks it.
     *
     * @param name       the symbol
     * @param descriptor the C signature
     * @return the handle, or empty
     */
    @SuppressWarnings("restricted") // linking C functions is what this class is for
    public static Optional<MethodHandle> downcallIfPresent(String name, FunctionDescriptor descriptor) {
        return find(name).map(addr -> LINKER.downcallHandle(addr, descriptor, CAPTURE_ERRNO));
    }

    /**
     * Links a variadic C function that sets errno, such as {@code fcntl} or {@code ioctl}.
     *
     * @param name          the symbol
     * @param descriptor    the C signature of this use, fixed and variadic arguments together
     * @param firstVariadic the index of the first variadic argument (not counting the capture segment)
     * @return the handle, taking the errno capture segment first
     */
    @SuppressWarnings("restricted") // linking C functions is what this class is for
    public static MethodHandle variadicDowncall(String name, FunctionDescriptor descriptor, int firstVariadic) {
        MemorySegment addr = find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("C library has no " + name + " on " + Platform.describe()));
        return LINKER.downcallHandle(addr, descriptor, Linker.Option.firstVariadicArg(firstVariadic), CAPTURE_ERRNO);
    }

    /**
     * Links a C function that never sets errno (no capture segment argument).
     *
     * @param name       the symbol
     * @param descriptor the C signature
     * @return the handle, or empty when the C library lacks it
     */
    @SuppressWarnings("restricted") // linking C functions is what this class is for
    public static Optional<MethodHandle> plainDowncallIfPresent(String name, FunctionDescriptor descriptor) {
        return find(name).map(addr -> LINKER.downcallHandle(addr, descriptor));
    }

    /**
     * The C integer layout of a given size, for types whose size differs by platform ({@code nfds_t},
     * {@code suseconds_t}): 4 bytes is a C int, 8 a C long.
     *
     * @param size the size from the OS table
     * @return the layout
     */
    public static ValueLayout cUnsigned(int size) {
        return switch (size) {
            case 4 -> C_INT;
            case 8 -> C_LONG;
            default -> throw new IllegalArgumentException("no " + size + "-byte C integer on LP64");
        };
    }

    /**
     * Gives a downcall handle the Java type its callers use, whatever the platform's C types: e.g. a
     * {@code long} argument narrowed to an {@code int} where {@code nfds_t} has 4 bytes. The conversion
     * is part of the handle, so the JIT inlines it.
     *
     * @param h      the handle
     * @param ret    the Java return type
     * @param params the Java parameter types, the capture segment first
     * @return the adapted handle
     */
    public static MethodHandle adapt(MethodHandle h, Class<?> ret, Class<?>... params) {
        return java.lang.invoke.MethodHandles.explicitCastArguments(
                h, java.lang.invoke.MethodType.methodType(ret, params));
    }

    private static Optional<MemorySegment> find(String name) {
        LOOKED_UP.add(name);
        return LINKER.defaultLookup().find(name);
    }

    /**
     * @return every symbol looked up so far, for tests that check that no class looks up a function its
     *     platform lacks
     */
    static java.util.Set<String> lookedUp() {
        return java.util.Set.copyOf(LOOKED_UP);
    }

    /**
     * Returns the calling thread's errno capture segment, to pass as the first argument of a downcall.
     *
     * @return the segment; owned by the calling thread, never freed while it lives
     */
    public static MemorySegment errnoState() {
        return ERRNO_STATE.get();
    }

    /**
     * Reads errno from a capture segment.
     *
     * @param state the segment passed to the failed downcall
     * @return the errno value
     */
    public static int errno(MemorySegment state) {
        return (int) ERRNO_HANDLE.get(state, 0L);
    }

    /**
     * Builds the exception for a failed call on a file descriptor.
     *
     * @param call  the C function, e.g. {@code "read"}
     * @param fd    the descriptor it was called on
     * @param state the capture segment of the failed call
     * @return the exception, naming the call, the fd and the errno
     */
    public static ErrnoException error(String call, int fd, MemorySegment state) {
        return error(call + "(fd=" + fd + ")", state);
    }

    /**
     * Builds the exception for a failed call.
     *
     * @param callWithArgs the call as it should read in the message, e.g. {@code "epoll_ctl(ADD, fd=7)"}
     * @param state        the capture segment of the failed call
     * @return the exception
     */
    public static ErrnoException error(String callWithArgs, MemorySegment state) {
        return Errno.exception(callWithArgs, errno(state));
    }

    /**
     * Passes on what {@code invokeExact} itself threw (never a C error). The FFM runtime checks every
     * segment argument before the call: a segment of a closed arena gives {@link IllegalStateException},
     * a confined segment used from another thread {@link WrongThreadException}, a heap segment where
     * native memory is needed {@link IllegalArgumentException}. Those are the caller's mistakes and are
     * rethrown as they are, like every other unchecked exception and error. Only a checked exception,
     * which a downcall cannot throw, becomes an {@link AssertionError}.
     *
     * @param t what the method handle threw
     * @return an error to throw, for a checked exception
     * @throws RuntimeException {@code t} itself, when unchecked
     * @throws Error            {@code t} itself, when an error
     */
    public static AssertionError linkageFailure(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new AssertionError("downcall failed in the Java runtime, not in C", t);
    }
}
