package io.jselectors.internal.os;

import static io.jselectors.internal.os.Native.C_INT;

import io.jselectors.ErrnoException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** {@code fcntl} with an int argument: descriptor flags, status flags, duplication. */
public final class Fcntl {
    /** Duplicate to the lowest free fd >= arg. */
    public static final int F_DUPFD = 0;
    /** Get descriptor flags (FD_CLOEXEC). */
    public static final int F_GETFD = 1;
    /** Set descriptor flags. */
    public static final int F_SETFD = 2;
    /** Get file status flags (O_NONBLOCK, ...). */
    public static final int F_GETFL = 3;
    /** Set file status flags. */
    public static final int F_SETFL = 4;
    /** Duplicate to the lowest free fd >= arg, with FD_CLOEXEC. */
    public static final int F_DUPFD_CLOEXEC = Platform.isLinux() ? 1030 : 67;
    /** The close-on-exec descriptor flag. */
    public static final int FD_CLOEXEC = 1;

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
}
