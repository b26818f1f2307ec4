package io.jselectors.internal.os;

import static io.jselectors.internal.os.Native.C_INT;

import io.jselectors.ErrnoException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/** Linux {@code eventfd}: a kernel 64-bit counter behind a descriptor. */
public final class EventFd {
    /** Non-blocking reads and writes. */
    public static final int EFD_NONBLOCK = 0x800;
    /** Close on exec. */
    public static final int EFD_CLOEXEC = 0x80000;
    /** Each read takes 1 instead of the whole count. */
    public static final int EFD_SEMAPHORE = 1;

    private static final Optional<MethodHandle> EVENTFD =
            Native.downcallIfPresent("eventfd", FunctionDescriptor.of(C_INT, C_INT, C_INT));

    private EventFd() {}

    /** @return true where the C library has eventfd (Linux) */
    public static boolean isAvailable() {
        return Platform.isLinux() && EVENTFD.isPresent();
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
