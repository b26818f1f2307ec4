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
 * Pseudo-terminals: {@code posix_openpt}, {@code grantpt}, {@code unlockpt}, {@code ptsname_r}
 * ({@code <stdlib.h>}), {@code open} ({@code <fcntl.h>}), and {@code tcgetattr}, {@code cfmakeraw},
 * {@code tcsetattr} ({@code <termios.h>}).
 */
public final class PtySys {
    private static final AbiTable OS = Abi.CURRENT;

    // Values from the running platform's table (LinuxTables: <fcntl.h>, <termios.h>); 0 where the table has no
    // ptsname_r, and then nothing here is linked.
    /** {@code O_RDWR}. */
    public static final int O_RDWR = OS.constantOr("O_RDWR", 0);
    /** {@code O_NOCTTY}: do not make the terminal the process's controlling terminal. */
    public static final int O_NOCTTY = OS.constantOr("O_NOCTTY", 0);
    /** {@code O_NONBLOCK}. */
    public static final int O_NONBLOCK = OS.constantOr("O_NONBLOCK", 0);
    /** {@code O_CLOEXEC}. */
    public static final int O_CLOEXEC = OS.constantOr("O_CLOEXEC", 0);
    /** {@code TCSANOW}. */
    public static final int TCSANOW = OS.constantOr("TCSANOW", 0);
    /** {@code sizeof(struct termios)}. */
    public static final long TERMIOS_SIZE = OS.sizeOfOr("termios", 60);

    /** The longest terminal name {@link #ptsname} reads. */
    private static final int NAME_MAX = 128;

    private static final FunctionDescriptor INT_OF_INT = FunctionDescriptor.of(C_INT, C_INT);
    private static final boolean HAS_PTY = OS.hasFunction("ptsname_r") && OS.hasFunction("cfmakeraw");
    private static final Optional<MethodHandle> POSIX_OPENPT = link("posix_openpt", INT_OF_INT);
    private static final Optional<MethodHandle> GRANTPT = link("grantpt", INT_OF_INT);
    private static final Optional<MethodHandle> UNLOCKPT = link("unlockpt", INT_OF_INT);
    private static final Optional<MethodHandle> PTSNAME_R = link("ptsname_r",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_SIZE_T));
    // open(const char *, int, ...): called without the variadic mode argument, as for any open without O_CREAT.
    private static final Optional<MethodHandle> OPEN =
            link("open", FunctionDescriptor.of(C_INT, C_POINTER, C_INT));
    private static final Optional<MethodHandle> TCGETATTR =
            link("tcgetattr", FunctionDescriptor.of(C_INT, C_INT, C_POINTER));
    private static final Optional<MethodHandle> TCSETATTR =
            link("tcsetattr", FunctionDescriptor.of(C_INT, C_INT, C_INT, C_POINTER));
    private static final Optional<MethodHandle> CFMAKERAW =
            link("cfmakeraw", FunctionDescriptor.ofVoid(C_POINTER));

    private PtySys() {}

    private static Optional<MethodHandle> link(String name, FunctionDescriptor descriptor) {
        return HAS_PTY ? Native.downcallIfPresent(name, descriptor) : Optional.empty();
    }

    /** @return true where the C library has the calls, on Linux (other systems' constants are not tabled yet) */
    public static boolean isAvailable() {
        return Platform.isLinux() && POSIX_OPENPT.isPresent() && GRANTPT.isPresent() && UNLOCKPT.isPresent()
                && PTSNAME_R.isPresent() && OPEN.isPresent() && TCGETATTR.isPresent() && TCSETATTR.isPresent()
                && CFMAKERAW.isPresent();
    }

    /**
     * {@code posix_openpt}, then {@code grantpt} and {@code unlockpt}: a master ready for its slave to be opened.
     * The descriptor is closed again when a later step fails.
     *
     * @param flags {@link #O_RDWR}, {@link #O_NOCTTY}, {@link #O_NONBLOCK}, {@link #O_CLOEXEC}
     * @return the master
     * @throws ErrnoException on EMFILE, ENOENT/EAGAIN (no pseudo-terminal left), ...
     */
    public static int openMaster(int flags) throws ErrnoException {
        int fd = intCall(POSIX_OPENPT, "posix_openpt", flags, -1);
        try {
            intCall(GRANTPT, "grantpt", fd, fd);
            intCall(UNLOCKPT, "unlockpt", fd, fd);
        } catch (ErrnoException e) {
            Unistd.close(fd);
            throw e;
        }
        return fd;
    }

    /**
     * {@code ptsname_r}: the path of the master's slave. It returns the error number rather than setting errno.
     *
     * @param master the master
     * @return e.g. {@code /dev/pts/3}
     * @throws ErrnoException on ENOTTY, ERANGE
     */
    public static String ptsname(int master) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(NAME_MAX);
            int r;
            try {
                r = (int) Native.require(PTSNAME_R, "ptsname_r").invokeExact(Native.errnoState(), master, buf, (long) NAME_MAX);
            } catch (Throwable t) {
                throw Native.linkageFailure(t);
            }
            if (r != 0) {
                throw Errno.exception("ptsname_r(fd=" + master + ")", r);
            }
            return buf.getString(0);
        }
    }

    /**
     * {@code open(path, flags)}, without a mode (never with {@code O_CREAT}).
     *
     * @param path  the file
     * @param flags the {@code O_} flags above
     * @return the new descriptor
     * @throws ErrnoException on ENOENT, EACCES, EIO, ...
     */
    public static int open(String path, int flags) throws ErrnoException {
        MemorySegment st = Native.errnoState();
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            fd = (int) Native.require(OPEN, "open").invokeExact(st, arena.allocateFrom(path), flags);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        if (fd < 0) {
            throw Native.error("open(" + path + ")", st);
        }
        return fd;
    }

    /**
     * Puts a terminal in raw mode ({@code tcgetattr}, {@code cfmakeraw}, {@code tcsetattr(TCSANOW)}): bytes pass
     * through unchanged, with no echo, no line editing and no signals from control characters.
     *
     * @param fd the terminal
     * @throws ErrnoException on ENOTTY, EBADF, ...
     */
    public static void makeRaw(int fd) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment termios = arena.allocate(TERMIOS_SIZE);
            MemorySegment st = Native.errnoState();
            int r;
            try {
                r = (int) Native.require(TCGETATTR, "tcgetattr").invokeExact(st, fd, termios);
                if (r == 0) {
                    Native.require(CFMAKERAW, "cfmakeraw").invokeExact(st, termios);
                    r = (int) Native.require(TCSETATTR, "tcsetattr").invokeExact(st, fd, TCSANOW, termios);
                }
            } catch (Throwable t) {
                throw Native.linkageFailure(t);
            }
            if (r != 0) {
                throw Native.error("tcgetattr/tcsetattr", fd, st);
            }
        }
    }

    private static int intCall(Optional<MethodHandle> handle, String name, int arg, int fd) throws ErrnoException {
        MemorySegment st = Native.errnoState();
        int r;
        try {
            r = (int) Native.require(handle, name).invokeExact(st, arg);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        if (r < 0) {
            throw fd < 0 ? Native.error(name + "(flags=0x" + Integer.toHexString(arg) + ")", st) : Native.error(name, fd, st);
        }
        return r;
    }
}
