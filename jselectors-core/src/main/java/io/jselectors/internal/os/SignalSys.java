package io.jselectors.internal.os;

import static io.jselectors.internal.os.Native.C_INT;
import static io.jselectors.internal.os.Native.C_POINTER;

import io.jselectors.ErrnoException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Map;
import java.util.Optional;

/**
 * Linux {@code signalfd} ({@code <sys/signalfd.h>}) and the signal-mask calls it needs from
 * {@code <signal.h>}: {@code sigemptyset}, {@code sigaddset}, {@code sigismember}, {@code pthread_sigmask},
 * {@code raise}.
 */
public final class SignalSys {
    // ---- OS constants: Linux <signal.h>, <bits/signum-generic.h>, <bits/signum-arch.h>, <sys/signalfd.h>,
    // ---- <bits/types/sigset_t.h> (checked against this machine's headers by OsConstantsTest). The numbers are
    // ---- those of x86_64 and aarch64 Linux. To move into the Linux table once the per-platform tables land.
    /** {@code SFD_NONBLOCK}. */
    public static final int SFD_NONBLOCK = 0x800;
    /** {@code SFD_CLOEXEC}. */
    public static final int SFD_CLOEXEC = 0x80000;
    /** {@code SIG_BLOCK}. */
    public static final int SIG_BLOCK = 0;
    /** {@code SIG_UNBLOCK}. */
    public static final int SIG_UNBLOCK = 1;
    /** {@code sizeof(sigset_t)} in glibc (1024 bits; the kernel uses the first 64). */
    public static final long SIGSET_SIZE = 128;
    /** {@code sizeof(struct signalfd_siginfo)}. */
    public static final long SIGINFO_SIZE = 128;
    /** Offsets in {@code struct signalfd_siginfo}. */
    public static final long SSI_SIGNO = 0, SSI_ERRNO = 4, SSI_CODE = 8, SSI_PID = 12, SSI_UID = 16,
            SSI_STATUS = 40, SSI_INT = 44;
    /** Signal numbers by name, without the {@code SIG} prefix. */
    public static final Map<String, Integer> SIGNALS = Map.ofEntries(
            Map.entry("HUP", 1), Map.entry("INT", 2), Map.entry("QUIT", 3), Map.entry("USR1", 10),
            Map.entry("ALRM", 14), Map.entry("TERM", 15),
            Map.entry("CHLD", 17), Map.entry("CONT", 18), Map.entry("TSTP", 20), Map.entry("TTIN", 21),
            Map.entry("TTOU", 22), Map.entry("URG", 23), Map.entry("WINCH", 28), Map.entry("IO", 29));
    // ---- end of OS constants

    private static final FunctionDescriptor INT_OF_SET = FunctionDescriptor.of(C_INT, C_POINTER);
    private static final FunctionDescriptor INT_OF_SET_INT = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);
    private static final Optional<MethodHandle> SIGEMPTYSET = Native.downcallIfPresent("sigemptyset", INT_OF_SET);
    private static final Optional<MethodHandle> SIGADDSET = Native.downcallIfPresent("sigaddset", INT_OF_SET_INT);
    private static final Optional<MethodHandle> SIGISMEMBER = Native.downcallIfPresent("sigismember", INT_OF_SET_INT);
    private static final Optional<MethodHandle> PTHREAD_SIGMASK = Native.downcallIfPresent("pthread_sigmask",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER));
    private static final Optional<MethodHandle> SIGNALFD =
            Native.downcallIfPresent("signalfd", FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_INT));
    private static final Optional<MethodHandle> RAISE =
            Native.downcallIfPresent("raise", FunctionDescriptor.of(C_INT, C_INT));

    private SignalSys() {}

    /** @return true where the C library has signalfd (Linux) */
    public static boolean isAvailable() {
        return Platform.isLinux() && SIGNALFD.isPresent() && SIGEMPTYSET.isPresent() && SIGADDSET.isPresent()
                && SIGISMEMBER.isPresent() && PTHREAD_SIGMASK.isPresent() && RAISE.isPresent();
    }

    /**
     * Fills a {@code sigset_t} with exactly these signals.
     *
     * @param set     {@link #SIGSET_SIZE} bytes
     * @param signals signal numbers
     * @throws ErrnoException on EINVAL (not a signal number)
     */
    public static void fill(MemorySegment set, int... signals) throws ErrnoException {
        checkSet(set);
        MemorySegment st = Native.errnoState();
        try {
            if ((int) Native.require(SIGEMPTYSET, "sigemptyset").invokeExact(st, set) < 0) {
                throw Native.error("sigemptyset", st);
            }
            for (int sig : signals) {
                if ((int) Native.require(SIGADDSET, "sigaddset").invokeExact(st, set, sig) < 0) {
                    throw Native.error("sigaddset(" + sig + ")", st);
                }
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
    }

    /**
     * {@code sigismember}.
     *
     * @param set {@link #SIGSET_SIZE} bytes
     * @param sig the signal number
     * @return whether the set holds it
     * @throws ErrnoException on EINVAL
     */
    public static boolean isMember(MemorySegment set, int sig) throws ErrnoException {
        checkSet(set);
        MemorySegment st = Native.errnoState();
        int r;
        try {
            r = (int) Native.require(SIGISMEMBER, "sigismember").invokeExact(st, set, sig);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        if (r < 0) {
            throw Native.error("sigismember(" + sig + ")", st);
        }
        return r == 1;
    }

    /**
     * {@code pthread_sigmask} of the calling thread. It returns the error number rather than setting errno.
     *
     * @param how    {@link #SIG_BLOCK} or {@link #SIG_UNBLOCK}
     * @param set    the signals, {@link #SIGSET_SIZE} bytes
     * @param oldset receives the mask before the change ({@link #SIGSET_SIZE} bytes), or {@code NULL}
     * @throws ErrnoException on EINVAL
     */
    public static void threadMask(int how, MemorySegment set, MemorySegment oldset) throws ErrnoException {
        checkSet(set);
        if (!oldset.equals(MemorySegment.NULL)) {
            checkSet(oldset);
        }
        MemorySegment st = Native.errnoState();
        int r;
        try {
            r = (int) Native.require(PTHREAD_SIGMASK, "pthread_sigmask").invokeExact(st, how, set, oldset);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        if (r != 0) {
            throw Errno.exception("pthread_sigmask(how=" + how + ")", r);
        }
    }

    /**
     * {@code signalfd}: a new descriptor ({@code fd} = -1) for the signals in {@code set}.
     *
     * @param set   the signals, {@link #SIGSET_SIZE} bytes
     * @param flags {@link #SFD_NONBLOCK}, {@link #SFD_CLOEXEC}
     * @return the new descriptor
     * @throws ErrnoException on EMFILE, EINVAL, ...
     */
    public static int signalfd(MemorySegment set, int flags) throws ErrnoException {
        checkSet(set);
        MemorySegment st = Native.errnoState();
        int fd;
        try {
            fd = (int) Native.require(SIGNALFD, "signalfd").invokeExact(st, -1, set, flags);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        if (fd < 0) {
            throw Native.error("signalfd", st);
        }
        return fd;
    }

    /**
     * {@code raise}: sends a signal to the calling thread.
     *
     * @param sig the signal number
     * @throws ErrnoException on EINVAL
     */
    public static void raise(int sig) throws ErrnoException {
        MemorySegment st = Native.errnoState();
        int r;
        try {
            r = (int) Native.require(RAISE, "raise").invokeExact(st, sig);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        if (r != 0) {
            throw Native.error("raise(" + sig + ")", st);
        }
    }

    private static void checkSet(MemorySegment set) {
        if (set.byteSize() < SIGSET_SIZE) {
            throw new IllegalArgumentException("a sigset_t needs " + SIGSET_SIZE + " bytes, got " + set.byteSize());
        }
    }
}
