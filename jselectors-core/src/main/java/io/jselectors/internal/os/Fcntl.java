package io.jselectors.internal.os;

import static io.jselectors.internal.os.Native.C_INT;

import io.jselectors.ErrnoException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** {@code fcntl} with an int argument: descriptor flags, status flags, duplication. Values from {@link Abi#CURRENT}. */
public final class Fcntl {
    private static final AbiTable OS = Abi.CURRENT;

    /** Duplicate to the lowest free fd >= arg. */
    public static final int F_DUPFD = OS.constant("F_DUPFD");
    /** Get descriptor flags (FD_CLOEXEC). */
    public static final int F_GETFD = OS.constant("F_GETFD");
    /** Set descriptor flags. */
    public static final int F_SETFD = OS.constant("F_SETFD");
    /** Get file status flags (O_NONBLOCK, ...). */
    public static final int F_GETFL = OS.constant("F_GETFL");
    /** Set file status flags. */
    public static final int F_SETFL = OS.constant("F_SETFL");
    /** Duplicate to the lowest free fd >= arg, with FD_CLOEXEC. */
    public static final int F_DUPFD_CLOEXEC = OS.constant("F_DUPFD_CLOEXEC");
    /** The close-on-exec descriptor flag. */
    public static final int FD_CLOEXEC = OS.constant("FD_CLOEXEC");

    private static final MethodHandle FCNTL =
            Native.variadicDowncall("fcntl", FunctionDescriptor.of(C_INT, C_INT, C_INT, C_INT), 2);

    private Fcntl() {}

    /**
     * Calls {@code fcntl(fd, cmd, arg)}. EINTR is retried.
     *
     * @param fd  the descriptor
     * @param cmd one of the {@code F_} constants
     * @param arg the int argument (ignored by the getters)
     * @return what fcntl returns
     * @throws ErrnoException on failure
     */
    public static int fcntl(int fd, int cmd, int arg) throws ErrnoException {
        MemorySegment st = Native.errnoState();
        while (true) {
            int r;
            try {
                r = (int) FCNTL.invokeExact(st, fd, cmd, arg);
            } catch (Throwable t) {
                throw Native.linkageFailure(t);
            }
            if (r >= 0) {
                return r;
            }
            if (Native.errno(st) != Errno.EINTR) {
                throw Native.error("fcntl(fd=" + fd + ", cmd=" + cmd + ")", st);
            }
        }
    }

    /**
     * Tells whether a descriptor is open, without building an exception for the answer "no".
     *
     * @param fd the descriptor
     * @return false when {@code fcntl(fd, F_GETFD)} fails with EBADF
     * @throws ErrnoException on any other failure
     */
    public static boolean isOpen(int fd) throws ErrnoException {
        MemorySegment st = Native.errnoState();
        while (true) {
            int r;
            try {
                r = (int) FCNTL.invokeExact(st, fd, F_GETFD, 0);
            } catch (Throwable t) {
                throw Native.linkageFailure(t);
            }
            if (r >= 0) {
                return true;
            }
            int e = Native.errno(st);
            if (e == Errno.EBADF) {
                return false;
            }
            if (e != Errno.EINTR) {
                throw Native.error("fcntl(fd=" + fd + ", cmd=" + F_GETFD + ")", st);
            }
        }
    }

    /**
     * Turns O_NONBLOCK on or off.
     *
     * @param fd          the descriptor
     * @param nonBlocking the wanted mode
     * @throws ErrnoException on failure
     */
    public static void setNonBlocking(int fd, boolean nonBlocking) throws ErrnoException {
        int flags = fcntl(fd, F_GETFL, 0);
        int wanted = nonBlocking ? flags | Unistd.O_NONBLOCK : flags & ~Unistd.O_NONBLOCK;
        if (wanted != flags) {
            fcntl(fd, F_SETFL, wanted);
        }
    }

    /**
     * Sets what {@code SOCK_NONBLOCK}/{@code SOCK_CLOEXEC} or {@code O_NONBLOCK}/{@code O_CLOEXEC} would have
     * set at creation, on a platform that lacks those flags (macOS) or a call that lacks them
     * ({@code accept}, {@code pipe}). On failure the descriptor is closed before the exception is thrown.
     *
     * @param fd          a descriptor just created, owned by the caller
     * @param nonBlocking whether to set O_NONBLOCK
     * @param cloexec     whether to set FD_CLOEXEC
     * @return fd
     * @throws ErrnoException when fcntl fails (fd is then closed)
     */
    public static int setFlagsOrClose(int fd, boolean nonBlocking, boolean cloexec) throws ErrnoException {
        try {
            if (nonBlocking) {
                setNonBlocking(fd, true);
            }
            if (cloexec) {
                fcntl(fd, F_SETFD, fcntl(fd, F_GETFD, 0) | FD_CLOEXEC);
            }
            return fd;
        } catch (ErrnoException e) {
            Unistd.closeAfterFailure(fd, e);
            throw e;
        }
    }
}
