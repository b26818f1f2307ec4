package io.jselectors.internal.os;

import static io.jselectors.internal.os.Native.C_INT;
import static io.jselectors.internal.os.Native.C_POINTER;
import static io.jselectors.internal.os.Native.C_SIZE_T;

import io.jselectors.ErrnoException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Pseudo-terminals from {@code <stdlib.h>} and {@code <fcntl.h>}: {@code posix_openpt}, {@code grantpt},
 * {@code unlockpt}, {@code ptsname_r}, and {@code open} for the terminal device.
 */
public final class Pty {
    private static final AbiTable OS = Abi.CURRENT;

    /** {@code O_RDWR}. */
    public static final int O_RDWR = OS.constant("O_RDWR");
    /** {@code O_NOCTTY}: never become the controlling terminal. */
    public static final int O_NOCTTY = OS.constant("O_NOCTTY");

    /** The longest device name {@link #ptsname} reads; Linux names are like {@code /dev/pts/12}. */
    private static final int NAME_MAX = 128;

    private static final Optional<MethodHandle> OPENPT =
            linked("posix_openpt", FunctionDescriptor.of(C_INT, C_INT));
    private static final Optional<MethodHandle> GRANTPT =
            linked("grantpt", FunctionDescriptor.of(C_INT, C_INT));
    private static final Optional<MethodHandle> UNLOCKPT =
            linked("unlockpt", FunctionDescriptor.of(C_INT, C_INT));
    private static final Optional<MethodHandle> PTSNAME_R =
            linked("ptsname_r", FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_SIZE_T));
    /** open(2) for the terminal side: linked only where pseudo-terminals are (every C library has open). */
    private static final Optional<MethodHandle> OPEN = OS.hasFunction("posix_openpt")
            ? Optional.of(Native.variadicDowncall("open", FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT), 2))
            : Optional.empty();

    private Pty() {}

    /** Links a function only where this platform's table lists it (never run elsewhere). */
    private static Optional<MethodHandle> linked(String name, FunctionDescriptor descriptor) {
        return OS.hasFunction(name) ? Native.downcallIfPresent(name, descriptor) : Optional.empty();
    }

    /**
     * Tells whether this platform's table lists {@link #openpt} to {@link #ptsname} (Linux only so far: the
     * only platform they have run on) and the C library has them.
     *
     * @return true when pseudo-terminals can be opened
     */
    public static boolean isAvailable() {
        return OPENPT.isPresent() && GRANTPT.isPresent() && UNLOCKPT.isPresent() && PTSNAME_R.isPresent();
    }

    /**
     * Opens the controlling side of a new pseudo-terminal.
     *
     * @param flags {@link #O_RDWR}, {@link #O_NOCTTY}, {@link Unistd#O_CLOEXEC}
     * @return the descriptor
     * @throws ErrnoException on failure (EMFILE, ENOENT without /dev/ptmx, ...)
     */
    public static int openpt(int flags) throws ErrnoException {
        int fd = intCall(require(OPENPT), flags);
        if (fd < 0) {
            throw Native.error("posix_openpt(flags=0x" + Integer.toHexString(flags) + ")", Native.errnoState());
        }
        return fd;
    }

    /**
     * Grants access to the terminal device of a controlling side.
     *
     * @param fd the controlling side
     * @throws ErrnoException on failure
     */
    public static void grantpt(int fd) throws ErrnoException {
        if (intCall(require(GRANTPT), fd) != 0) {
            throw Native.error("grantpt", fd, Native.errnoState());
        }
    }

    /**
     * Unlocks the terminal device, so it can be opened.
     *
     * @param fd the controlling side
     * @throws ErrnoException on failure
     */
    public static void unlockpt(int fd) throws ErrnoException {
        if (intCall(require(UNLOCKPT), fd) != 0) {
            throw Native.error("unlockpt", fd, Native.errnoState());
        }
    }

    /**
     * Returns the path of the terminal device.
     *
     * @param fd the controlling side
     * @return e.g. {@code /dev/pts/3}
     * @throws ErrnoException on failure
     */
    public static String ptsname(int fd) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(NAME_MAX);
            MemorySegment st = Native.errnoState();
            int r;
            try {
                r = (int) require(PTSNAME_R).invokeExact(st, fd, buf, (long) NAME_MAX);
            } catch (Throwable t) {
                throw Native.linkageFailure(t);
            }
            if (r != 0) {
                // glibc returns the error number; others return -1 and set errno.
                throw r > 0 ? Errno.exception("ptsname_r(fd=" + fd + ")", r) : Native.error("ptsname_r", fd, st);
            }
            return buf.getString(0); // bounded by the segment: NUL-terminated within NAME_MAX
        }
    }

    /**
     * Opens a file by path ({@code open(2)}, mode 0): here, the terminal device.
     *
     * @param path  the path
     * @param flags {@code O_} flags
     * @return the descriptor
     * @throws ErrnoException on failure, naming the path
     */
    public static int open(String path, int flags) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cpath = arena.allocateFrom(path);
            MemorySegment st = Native.errnoState();
            int fd;
            do {
                try {
                    fd = (int) require(OPEN).invokeExact(st, cpath, flags, 0);
                } catch (Throwable t) {
                    throw Native.linkageFailure(t);
                }
            } while (fd < 0 && Native.errno(st) == Errno.EINTR);
            if (fd < 0) {
                throw Native.error("open(" + path + ", flags=0x" + Integer.toHexString(flags) + ")", st);
            }
            return fd;
        }
    }

    private static int intCall(MethodHandle h, int arg) {
        try {
            return (int) h.invokeExact(Native.errnoState(), arg);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
    }

    private static MethodHandle require(Optional<MethodHandle> h) {
        return h.orElseThrow(() -> new UnsupportedOperationException("no pseudo-terminals on " + Platform.describe()));
    }
}
