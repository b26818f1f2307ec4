package io.jselectors.internal.os;

import static io.jselectors.internal.os.Native.C_INT;

import io.jselectors.ErrnoException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/** Linux {@code pidfd_open} ({@code <sys/pidfd.h>}, glibc 2.36+; the kernel call is Linux 5.3+). */
public final class PidFdSys {
    private static final AbiTable OS = Abi.CURRENT;

    /** {@code ESRCH} ({@code <errno.h>}): no such process, what pidfd_open reports for a process already reaped. */
    public static final int ESRCH = OS.constantOr("ESRCH", 0);

    private static final Optional<MethodHandle> PIDFD_OPEN =
            Native.platformDowncall(OS, "pidfd_open", FunctionDescriptor.of(C_INT, C_INT, C_INT));

    private PidFdSys() {}

    /** @return true where the C library has pidfd_open (Linux with glibc 2.36 or newer) */
    public static boolean isAvailable() {
        return Platform.isLinux() && PIDFD_OPEN.isPresent();
    }

    /**
     * {@code pidfd_open(pid, 0)}: a descriptor (close-on-exec) that becomes readable when the process exits.
     *
     * @param pid the process
     * @return the new descriptor
     * @throws ErrnoException on ESRCH (no such process), ENOSYS (kernel older than 5.3), EMFILE, ...
     */
    public static int open(int pid) throws ErrnoException {
        MemorySegment st = Native.errnoState();
        int fd;
        try {
            fd = (int) Native.require(PIDFD_OPEN, "pidfd_open").invokeExact(st, pid, 0);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        if (fd < 0) {
            throw Native.error("pidfd_open(pid=" + pid + ")", st);
        }
        return fd;
    }
}
