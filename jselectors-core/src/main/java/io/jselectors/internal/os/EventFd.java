package io.jselectors.internal.os;

import static io.jselectors.internal.os.Native.C_INT;

import io.jselectors.ErrnoException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Linux {@code eventfd}: a kernel 64-bit counter behind a descriptor. Values from {@link Abi#CURRENT};
 * where the table has no eventfd (macOS, FreeBSD) the flags are 0 and the symbol is never looked up.
 */
public final class EventFd {
    private static final AbiTable OS = Abi.CURRENT;

    /** Non-blocking reads and writes. */
    public static final int EFD_NONBLOCK = OS.constantOr("EFD_NONBLOCK", 0);
    /** Close on exec. */
    public static final int EFD_CLOEXEC = OS.constantOr("EFD_CLOEXEC", 0);
    /** Each read takes 1 instead of the whole count. */
    public static final int EFD_SEMAPHORE = OS.constantOr("EFD_SEMAPHORE", 0);

    private static final Optional<MethodHandle> EVENTFD = OS.hasFunction("eventfd")
            ? Native.downcallIfPresent("eventfd", FunctionDescriptor.of(C_INT, C_INT, C_INT))
            : Optional.empty();

    private EventFd() {}

    /** @return true where the C library has eventfd (Linux) */
    public static boolean isAvailable() {
        return EVENTFD.isPresent();
    }

    /**
     * Creates an eventfd.
     *
     * @param initval the counter's first value
     * @param flags   {@link #EFD_NONBLOCK}, {@link #EFD_CLOEXEC}, {@link #EFD_SEMAPHORE}
     * @return the new descriptor
     * @throws ErrnoException on EMFILE, ENFILE, ...
     * @throws UnsupportedOperationException where there is no eventfd
     */
    public static int eventfd(int initval, int flags) throws ErrnoException {
        MethodHandle h = EVENTFD.orElseThrow(
                () -> new UnsupportedOperationException("eventfd is not available on " + Platform.describe()));
        MemorySegment st = Native.errnoState();
        int fd;
        try {
            fd = (int) h.invokeExact(st, initval, flags);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        if (fd < 0) {
            throw Native.error("eventfd(flags=0x" + Integer.toHexString(flags) + ")", st);
        }
        return fd;
    }
}
