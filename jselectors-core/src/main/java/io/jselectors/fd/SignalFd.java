package io.jselectors.fd;

import io.jselectors.ErrnoException;
import io.jselectors.internal.os.SignalSys;
import io.jselectors.internal.os.Unistd;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * A Linux signalfd: signals arrive as readable data instead of running a handler. <b>Read the limits below
 * before using it in a JVM.</b>
 *
 * <p>A signal reaches a signalfd only while it is blocked, and the kernel delivers a process-wide signal
 * (from {@code kill}) to any thread that does <em>not</em> block it. {@link #open} blocks the signals in the
 * calling thread only (threads it starts afterwards inherit the block), but the JVM's own threads (GC, JIT
 * compilers, the signal dispatcher, ...) already run and do not block them, and Java has no way to block a
 * signal in every thread. What that means, as measured on Linux 6.18 with JDK 25 (see {@code docs/fds.md}):
 *
 * <ul>
 *   <li><b>Works:</b> signals directed at the thread that opened the signalfd: {@link #raise} from that
 *       thread, or {@code pthread_kill}/{@code tgkill} to it from native code of yours.</li>
 *   <li><b>Does not work:</b> {@code kill -SIG <pid>} from outside. A JVM thread that does not block the
 *       signal gets it, and its usual action runs there: {@code USR1} and {@code ALRM} terminate the JVM;
 *       {@code HUP}, {@code INT} and {@code TERM} run the JVM's shutdown; {@code WINCH}, {@code CHLD} and
 *       {@code URG} are dropped. For those, use {@code sun.misc.Signal} (module {@code jdk.unsupported}) or
 *       shutdown hooks.</li>
 *   <li><b>Not allowed here:</b> the signals the JVM handles for itself: {@code SEGV}, {@code BUS},
 *       {@code FPE}, {@code ILL}, {@code TRAP}, {@code QUIT} (thread dumps), {@code PIPE}, {@code XFSZ}, and
 *       {@code USR2} (HotSpot's thread suspend/resume signal on Linux). {@link #open} accepts only
 *       {@code HUP INT TERM USR1 ALRM CHLD CONT TSTP TTIN TTOU URG WINCH IO}.</li>
 * </ul>
 *
 * <p>Select and read on the thread that opened it: a signalfd reports the signals pending for the thread
 * that reads or polls it, plus the process-wide ones. On macOS and the BSDs there is no signalfd
 * ({@link #isAvailable()} is false): a kqueue {@code EVFILT_SIGNAL} event does this job there, and sees
 * process-wide signals even while a handler runs.
 */
public final class SignalFd extends FdResource {
    private static final List<String> ALLOWED = SignalSys.TAKEABLE;

    private final List<String> signals;
    private final Thread owner;
    /** The signals of this signalfd that the owner thread did not block before, to unblock at close. */
    private final MemorySegment toUnblock;
    private final MemorySegment info = Arena.ofAuto().allocate(SignalSys.SIGINFO_SIZE, 8);

    private SignalFd(int fd, List<String> signals, MemorySegment toUnblock) {
        super("signalfd", fd);
        this.signals = signals;
        this.owner = Thread.currentThread();
        this.toUnblock = toUnblock;
    }

    /**
     * Whether this platform has signalfd (Linux).
     *
     * @return true on Linux
     */
    public static boolean isAvailable() {
        return SignalSys.isAvailable();
    }

    /**
     * Blocks the signals in the calling thread and opens a signalfd (non-blocking, close-on-exec) for them.
     * Use it, select on it and close it on this thread.
     *
     * @param names signal names, with or without {@code SIG}: {@code "USR1"}, {@code "SIGWINCH"}, ...
     * @return the signalfd
     * @throws IllegalArgumentException      for no names, an unknown name, or a signal the JVM needs
     * @throws ErrnoException                on EMFILE, ...
     * @throws UnsupportedOperationException where there is no signalfd ({@link #isAvailable()})
     */
    public static SignalFd open(String... names) throws IOException {
        if (!isAvailable()) {
            throw unavailable("signalfd", "EVFILT_SIGNAL");
        }
        if (names.length == 0) {
            throw new IllegalArgumentException("no signals given: name at least one, e.g. \"USR1\"");
        }
        List<String> canonical = new ArrayList<>();
        int[] numbers = new int[names.length];
        for (int i = 0; i < names.length; i++) {
            String n = SignalSys.canonical(names[i]);
            if (!ALLOWED.contains(n)) {
                throw new IllegalArgumentException("signal " + names[i] + " cannot be used with signalfd here: use one of "
                        + ALLOWED + " (the JVM needs the others itself)");
            }
            canonical.add(n);
            numbers[i] = SignalSys.SIGNALS.get(n);
        }
        Arena arena = Arena.ofAuto();
        MemorySegment set = arena.allocate(SignalSys.SIGSET_SIZE, 8);
        MemorySegment old = arena.allocate(SignalSys.SIGSET_SIZE, 8);
        SignalSys.fill(set, numbers);
        SignalSys.threadMask(SignalSys.SIG_BLOCK, set, old);
        List<Integer> newlyBlocked = new ArrayList<>();
        for (int sig : numbers) {
            if (!SignalSys.isMember(old, sig)) {
                newlyBlocked.add(sig);
            }
        }
        MemorySegment toUnblock = arena.allocate(SignalSys.SIGSET_SIZE, 8);
        SignalSys.fill(toUnblock, newlyBlocked.stream().mapToInt(Integer::intValue).toArray());
        try {
            return new SignalFd(SignalSys.signalfd(set, SignalSys.SFD_NONBLOCK | SignalSys.SFD_CLOEXEC),
                    List.copyOf(canonical), toUnblock);
        } catch (ErrnoException e) {
            SignalSys.threadMask(SignalSys.SIG_UNBLOCK, toUnblock, MemorySegment.NULL);
            throw withFdHint(e);
        }
    }

    /**
     * Sends a signal to the calling thread ({@code raise}). With the signal blocked by a signalfd opened on
     * this thread, it waits in that signalfd; without, its usual action runs.
     *
     * @param name a signal name accepted by {@link #open}
     * @throws IllegalArgumentException      for an unknown name or a signal the JVM needs
     * @throws ErrnoException                on an error from raise
     * @throws UnsupportedOperationException where there is no signalfd
     */
    public static void raise(String name) throws IOException {
        if (!isAvailable()) {
            throw unavailable("signalfd", "EVFILT_SIGNAL");
        }
        String n = SignalSys.canonical(name);
        if (!ALLOWED.contains(n)) {
            throw new IllegalArgumentException("signal " + name + " is not one of " + ALLOWED);
        }
        SignalSys.raise(SignalSys.SIGNALS.get(n));
    }

    /**
     * Returns the signals.
     *
     * @return the names of the signals this signalfd receives, e.g. {@code [USR1]}
     */
    public List<String> signals() {
        return signals;
    }

    /**
     * Reads one pending signal.
     *
     * @return the signal, or {@code null} when none is pending (select for reading to wait)
     * @throws IOException if closed, or on an error from read
     */
    public SigInfo read() throws IOException {
        long n = Unistd.read(liveFd("signalfd read"), info);
        if (n == Unistd.WOULD_BLOCK || n < SignalSys.SIGINFO_SIZE) {
            return null;
        }
        int signo = info.get(ValueLayout.JAVA_INT, SignalSys.SSI_SIGNO);
        String name = SignalSys.SIGNALS.entrySet().stream().filter(e -> e.getValue() == signo)
                .map(java.util.Map.Entry::getKey).findFirst().orElse(Integer.toString(signo));
        return new SigInfo(signo, name, info.get(ValueLayout.JAVA_INT, SignalSys.SSI_CODE),
                Integer.toUnsignedLong(info.get(ValueLayout.JAVA_INT, SignalSys.SSI_PID)),
                Integer.toUnsignedLong(info.get(ValueLayout.JAVA_INT, SignalSys.SSI_UID)),
                info.get(ValueLayout.JAVA_INT, SignalSys.SSI_STATUS), info.get(ValueLayout.JAVA_INT, SignalSys.SSI_INT));
    }

    /**
     * Closes the signalfd and, when called on the thread that opened it, unblocks the signals that thread
     * did not block before. A signal still pending is then delivered with its usual action.
     *
     * @throws IOException if close reports an error
     */
    @Override
    public void close() throws IOException {
        boolean wasOpen = isOpen();
        super.close();
        if (wasOpen && Thread.currentThread() == owner) {
            SignalSys.threadMask(SignalSys.SIG_UNBLOCK, toUnblock, MemorySegment.NULL);
        }
    }

    /**
     * One received signal, decoded from {@code struct signalfd_siginfo}.
     *
     * @param number the signal number
     * @param name   its name without {@code SIG}, e.g. {@code "USR1"}
     * @param code   how it was sent: {@code SI_USER} (0, kill), {@code SI_TKILL} (-6, tgkill/raise),
     *               {@code SI_QUEUE} (-1, sigqueue), or a positive kernel code ({@code CLD_EXITED} for CHLD, ...)
     * @param pid    the sending process, for signals from kill, tgkill and sigqueue and for CHLD (the child)
     * @param uid    the real user id of the sender
     * @param status the exit status or signal of the child, for CHLD
     * @param value  the integer sent with sigqueue
     */
    public record SigInfo(int number, String name, int code, long pid, long uid, int status, int value) {}
}
