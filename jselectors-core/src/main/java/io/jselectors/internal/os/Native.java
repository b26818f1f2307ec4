package io.jselectors.internal.os;

import io.jselectors.ErrnoException;
import io.jselectors.NativeAccessDeniedException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * Whether this JVM lets this module call C. Found once, by linking a harmless function; when denied
     * ({@code --illegal-native-access=deny} without {@code --enable-native-access}), every handle this class
     * gives out throws a {@link NativeAccessDeniedException} when called instead, so that the bindings'
     * classes still initialize and every entry point of the library says what flag to add, every time.
     */
    private static final boolean DENIED = nativeAccessDenied();
    private static final MethodHandle NEW_DENIED;
    private static final MethodHandle NEW_UNAVAILABLE;

    static {
        try {
            NEW_DENIED = MethodHandles.lookup().findStatic(Native.class, "denied",
                    MethodType.methodType(NativeAccessDeniedException.class, String.class));
            NEW_UNAVAILABLE = MethodHandles.lookup().findStatic(Native.class, "unavailable",
                    MethodType.methodType(UnsupportedOperationException.class, String.class));
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private Native() {}

    @SuppressWarnings("restricted") // the probe: linking a function is the restricted call in question
    private static boolean nativeAccessDenied() {
        try {
            find("getpid").ifPresent(addr -> LINKER.downcallHandle(addr, FunctionDescriptor.of(C_INT)));
            return false;
        } catch (IllegalCallerException e) {
            return true;
        }
    }

    /**
     * Returns a new exception saying that native access is denied and which flag to add.
     *
     * @param call the C function, for the message
     * @return the exception
     */
    public static NativeAccessDeniedException denied(String call) {
        return new NativeAccessDeniedException(Native.class.getModule().isNamed(), call);
    }

    /** Where native access is denied: a handle of the downcall's type that throws {@link #denied} when called. */
    private static MethodHandle deniedHandle(String name, FunctionDescriptor descriptor, boolean capture) {
        return throwingHandle(NEW_DENIED, name, descriptor, capture);
    }

    /** A handle of the downcall's type that throws what {@code factory(name)} makes, a new one each call. */
    private static MethodHandle throwingHandle(MethodHandle factory, String name, FunctionDescriptor descriptor,
            boolean capture) {
        MethodType type = descriptor.toMethodType();
        if (capture) {
            type = type.insertParameterTypes(0, MemorySegment.class);
        }
        MethodHandle thrower = MethodHandles.throwException(type.returnType(), factory.type().returnType().asSubclass(Throwable.class));
        MethodHandle throwNew = MethodHandles.collectArguments(thrower, 0, MethodHandles.insertArguments(factory, 0, name));
        return MethodHandles.dropArguments(throwNew, 0, type.parameterList());
    }

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
        if (DENIED) {
            return find(name).map(addr -> deniedHandle(name, descriptor, true));
        }
        return find(name).map(addr -> LINKER.downcallHandle(addr, descriptor, CAPTURE_ERRNO));
    }

    /**
     * Links a C function that sets errno as a critical downcall that may take heap memory: a segment over
     * a Java array goes to C as it is, without a copy. Only for calls that return at once (a read or write
     * on a non-blocking descriptor): the garbage collector waits while one runs.
     *
     * @param name       the symbol
     * @param descriptor the C signature
     * @return the handle, taking the errno capture segment first
     * @throws UnsatisfiedLinkError if the C library lacks the symbol
     */
    @SuppressWarnings("restricted") // linking C functions is what this class is for
    public static MethodHandle heapDowncall(String name, FunctionDescriptor descriptor) {
        MemorySegment addr = find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("C library has no " + name + " on " + Platform.describe()));
        if (DENIED) {
            return deniedHandle(name, descriptor, true);
        }
        return LINKER.downcallHandle(addr, descriptor, CAPTURE_ERRNO, Linker.Option.critical(true));
    }

    /**
     * Links a C function that only some platforms have, where the table says this one has it: it is never
     * looked up elsewhere.
     *
     * @param table      the running platform's table
     * @param name       the symbol, listed in the table's functions where the platform has it
     * @param descriptor the C signature
     * @return the handle (taking the errno capture segment first), or empty
     */
    public static Optional<MethodHandle> platformDowncall(AbiTable table, String name, FunctionDescriptor descriptor) {
        return table.hasFunction(name) ? downcallIfPresent(name, descriptor) : Optional.empty();
    }

    /**
     * Returns a handle linked with {@link #downcallIfPresent}, or says which function this platform lacks.
     *
     * @param handle what {@code downcallIfPresent} returned
     * @param name   the C function, for the message
     * @return the handle
     * @throws UnsupportedOperationException when the C library lacks the function
     */
    public static MethodHandle require(Optional<MethodHandle> handle, String name) {
        return handle.orElseThrow(() -> new UnsupportedOperationException(
                name + " is not available on " + Platform.describe() + ": check isAvailable() first"));
    }

    /**
     * Unwraps a handle linked with {@link #downcallIfPresent} into one a {@code static final} field can hold:
     * the handle itself, or, where the function is absent, one of the same type that throws
     * {@link UnsupportedOperationException} naming it. Hot calls need this: the JIT inlines a downcall only
     * through a constant handle, and the value inside an {@code Optional} is not one (its field is final but
     * not trusted), so a call through {@code optional.orElseThrow()} goes through an uninlined method-handle
     * dispatch every time.
     *
     * @param handle     what {@code downcallIfPresent} (or a variant) returned
     * @param name       the C function, for the message
     * @param descriptor its C signature
     * @param capture    whether the handle takes the errno capture segment first
     * @return a handle that is never null
     */
    public static MethodHandle orUnavailable(Optional<MethodHandle> handle, String name, FunctionDescriptor descriptor,
            boolean capture) {
        if (handle.isPresent()) {
            return handle.get();
        }
        return throwingHandle(NEW_UNAVAILABLE, name, descriptor, capture);
    }

    /** @return what a call of a function this platform lacks throws (through {@link #orUnavailable}) */
    private static UnsupportedOperationException unavailable(String call) {
        return new UnsupportedOperationException(
                call + " is not available on " + Platform.describe() + ": check isAvailable() first");
    }

    /**
     * Links a system call's C wrapper ({@code read}, {@code send}, {@code epoll_wait}, ...), or, where the OS
     * table has the number of the system call behind it, the C library's {@code syscall(2)} with that
     * number: a handle of the wrapper's type either way (the errno capture segment first), so callers do
     * not change. The difference is what the wrapper does around the call: glibc makes every call that can
     * block a thread-cancellation point, and enabling and disabling asynchronous cancellation around it
     * costs two atomic operations per call (seen in perf as {@code __pthread_enable_asynccancel} and
     * {@code __pthread_disable_asynccancel}, some 6% of an echo server's user time). No Java thread is
     * ever cancelled that way, and {@code syscall} is not a cancellation point. Result and errno are the
     * system call's in both cases.
     *
     * @param table      the running platform's table; it lists {@code sysName} only where the number is known
     * @param sysName    the table's constant, e.g. {@code "SYS_read"}
     * @param wrapper    the C wrapper, linked where the number is not known
     * @param descriptor the wrapper's C signature: int, long and pointer arguments, an int or long result
     * @param trailing   arguments the system call takes after the wrapper's (a {@link MemorySegment} or a
     *                   {@code Long} each), e.g. {@code send} is {@code sendto} with no address:
     *                   {@code MemorySegment.NULL, 0L}
     * @return the handle
     */
    public static MethodHandle withoutCancellation(AbiTable table, String sysName, String wrapper,
            FunctionDescriptor descriptor, Object... trailing) {
        long number = table.constantOr(sysName, -1);
        if (number < 0 || DENIED) {
            return downcall(wrapper, descriptor);
        }
        List<MemoryLayout> args = new ArrayList<>();
        args.add(C_LONG); // the number
        for (MemoryLayout l : descriptor.argumentLayouts()) {
            args.add(l instanceof java.lang.foreign.AddressLayout ? C_POINTER : C_LONG); // syscall reads longs
        }
        for (Object t : trailing) {
            args.add(t instanceof MemorySegment ? C_POINTER : C_LONG);
        }
        MethodHandle h = variadicDowncall("syscall", FunctionDescriptor.of(C_LONG, args.toArray(MemoryLayout[]::new)), 1);
        int wrapperArgs = descriptor.argumentLayouts().size();
        if (trailing.length > 0) {
            h = MethodHandles.insertArguments(h, 2 + wrapperArgs, trailing);
        }
        h = MethodHandles.insertArguments(h, 1, number);
        MethodType want = descriptor.toMethodType().insertParameterTypes(0, MemorySegment.class);
        return MethodHandles.explicitCastArguments(h, want);
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
        if (DENIED) {
            return deniedHandle(name, descriptor, true);
        }
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
        if (DENIED) {
            return find(name).map(addr -> deniedHandle(name, descriptor, false));
        }
        return find(name).map(addr -> LINKER.downcallHandle(addr, descriptor));
    }

    /**
     * Links a C function that sets errno from a library other than the C library (kqueue from a
     * user-space library named by the user), or returns empty when the library lacks it.
     *
     * @param library    the library, loaded for the life of the JVM
     * @param name       the symbol
     * @param descriptor the C signature
     * @return the handle, taking the errno capture segment first, or empty
     */
    @SuppressWarnings("restricted") // linking C functions is what this class is for
    public static Optional<MethodHandle> downcallIfPresent(
            SymbolLookup library, String name, FunctionDescriptor descriptor) {
        return library.find(name).map(addr -> LINKER.downcallHandle(addr, descriptor, CAPTURE_ERRNO));
    }

    /**
     * Links a C function that never sets errno from a library other than the C library.
     *
     * @param library    the library, loaded for the life of the JVM
     * @param name       the symbol
     * @param descriptor the C signature
     * @return the handle, or empty when the library lacks it
     */
    @SuppressWarnings("restricted") // linking C functions is what this class is for
    public static Optional<MethodHandle> plainDowncallIfPresent(
            SymbolLookup library, String name, FunctionDescriptor descriptor) {
        return library.find(name).map(addr -> LINKER.downcallHandle(addr, descriptor));
    }

    /** @return the C library's symbols, as {@link #downcall} finds them */
    public static SymbolLookup cLibrary() {
        return LINKER.defaultLookup();
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
     * rethrown as they are, like every other unchecked exception and error (a
     * {@link NativeAccessDeniedException} where native access is denied among them). Only a checked exception,
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
