package io.jselectors.internal.os;

import static io.jselectors.internal.os.Native.C_INT;
import static io.jselectors.internal.os.Native.C_POINTER;

import io.jselectors.ErrnoException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Linux {@code signalfd} ({@code <sys/signalfd.h>}) and the signal-mask calls it needs from
 * {@code <signal.h>}: {@code sigemptyset}, {@code sigaddset}, {@code sigismember}, {@code pthread_sigmask},
 * {@code raise}.
 */
public final class SignalSys {
    private static final AbiTable OS = Abi.CURRENT;

    // Values from the running platform's table (LinuxTables: <signal.h>, <sys/signalfd.h>); 0 where it has
    // no signalfd, which is then never linked.
    /** {@code SFD_NONBLOCK}. */
    public static final int SFD_NONBLOCK = OS.constantOr("SFD_NONBLOCK", 0);
    /** {@code SFD_CLOEXEC}. */
    public static final int SFD_CLOEXEC = OS.constantOr("SFD_CLOEXEC", 0);
    /** {@code SIG_BLOCK}. */
    public static final int SIG_BLOCK = OS.constantOr("SIG_BLOCK", 0);
    /** {@code SIG_UNBLOCK}. */
    public static final int SIG_UNBLOCK = OS.constantOr("SIG_UNBLOCK", 0);
    /** {@code sizeof(sigset_t)} (glibc: 1024 bits; the kernel uses the first 64). */
    public static final long SIGSET_SIZE = OS.sizeOfOr("sigset_t", 128);
    /** {@code sizeof(struct signalfd_siginfo)}. */
    public static final long SIGINFO_SIZE = OS.sizeOfOr("signalfd_siginfo", 128);
    /** Offsets in {@code struct signalfd_siginfo}. */
    public static final long SSI_SIGNO = OS.offsetOfOr("signalfd_siginfo.ssi_signo", 0),
            SSI_ERRNO = OS.offsetOfOr("signalfd_siginfo.ssi_errno", 4),
            SSI_CODE = OS.offsetOfOr("signalfd_siginfo.ssi_code", 8),
            SSI_PID = OS.offsetOfOr("signalfd_siginfo.ssi_pid", 12),
            SSI_UID = OS.offsetOfOr("signalfd_siginfo.ssi_uid", 16),
            SSI_STATUS = OS.offsetOfOr("signalfd_siginfo.ssi_status", 40),
            SSI_INT = OS.offsetOfOr("signalfd_siginfo.ssi_int", 44);
    /** Signal numbers by name, without the {@code SIG} prefix: those of the table (the JVM's own excluded). */
    public static final Map<String, Integer> SIGNALS = signals("HUP", "INT", "QUIT", "KILL", "USR1", "ALRM", "TERM", "CHLD",
            "CONT", "TSTP", "TTIN", "TTOU", "URG", "WINCH", "IO");

    /**
     * The signals a Java program may take for itself (signalfd, the event loop's signal handlers): not those
     * HotSpot needs ({@code SEGV BUS FPE ILL TRAP QUIT PIPE XFSZ USR2}), nor {@code KILL}/{@code STOP}.
     */
    public static final List<String> TAKEABLE = List.of("HUP", "INT", "TERM", "USR1", "ALRM", "CHLD", "CONT", "TSTP",
            "TTIN", "TTOU", "URG", "WINCH", "IO");

    /**
     * A signal's name as the lists here spell it.
     *
     * @param name {@code "USR1"}, {@code "SIGUSR1"}, {@code "sigusr1"}, ...
     * @return the upper-case name without {@code SIG}
     */
    public static String canonical(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        return n.startsWith("SIG") ? n.substring(3) : n;
    }

    private static final FunctionDescriptor INT_OF_SET = FunctionDescriptor.of(C_INT, C_POINTER);
    private static final FunctionDescriptor INT_OF_SET_INT = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);
    /** The POSIX calls below are linked only where the table has signalfd, the one reason to use them. */
    private static final boolean HAS_SIGNALFD = OS.hasFunction("signalfd");
    private static final Optional<MethodHandle> SIGEMPTYSET = link("sigemptyset", INT_OF_SET);
    private static final Optional<MethodHandle> SIGADDSET = link("sigaddset", INT_OF_SET_INT);
    private static final Optional<MethodHandle> SIGISMEMBER = link("sigismember", INT_OF_SET_INT);
    private static final Optional<MethodHandle> PTHREAD_SIGMASK =
            link("pthread_sigmask", FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER));
    private static final Optional<MethodHandle> SIGNALFD =
            link("signalfd", FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_INT));
    private static final Optional<MethodHandle> RAISE = link("raise", FunctionDescriptor.of(C_INT, C_INT));

    private SignalSys() {}

    private static Optional<MethodHandle> link(String name, FunctionDescriptor descriptor) {
        return HAS_SIGNALFD ? Native.downcallIfPresent(name, descriptor) : Optional.empty();
    }

    private static Map<String, Integer> signals(String... names) {
        Map<String, Integer> m = new java.util.LinkedHashMap<>();
        for (String n : names) {
            if (OS.has("SIG" + n)) {
                m.put(n, OS.constant("SIG" + n));
            }
        }
        return java.util.Collections.unmodifiableMap(m);
    }

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
