package io.jselectors.fd;

import io.jselectors.ErrnoException;
import io.jselectors.internal.os.PidFdSys;
import io.jselectors.internal.os.Poll;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A Linux pidfd: a descriptor for a process that becomes readable when the process exits, so a process exit
 * waits in the same {@code select} as sockets. It refers to that one process even if its pid is later reused.
 *
 * <pre>{@code
 * Process p = new ProcessBuilder("sleep", "1").start();
 * try (Selector sel = Selector.open(); PidFd exit = PidFd.of(p)) {
 *     sel.register(exit, Selector.EVENT_READ);
 *     sel.select(null);                        // readable: p has exited
 *     int status = exit.exitValue().getAsInt();
 * }
 * }</pre>
 *
 * <p>A process that has already exited and been reaped has no pidfd any more (the JVM reaps the processes
 * it starts at once): then the returned object stands in an always-readable descriptor, so a select says
 * "exited" at once, as it would have. There is nothing to read from a pidfd. The exit status is known for a {@link Process} this JVM started
 * ({@link #exitValue()}); for any other process, only that it exited ({@link #hasExited()}). On macOS and the
 * BSDs there is no pidfd ({@link #isAvailable()} is false): a kqueue {@code EVFILT_PROC} event with
 * {@code NOTE_EXIT} does this job there. On Linux it needs kernel 5.3 and glibc 2.36 or newer.
 */
public final class PidFd extends FdResource {
    private final ProcessHandle handle;
    private final Optional<Process> process;

    private PidFd(int fd, ProcessHandle handle, Optional<Process> process) {
        super("pidfd", fd);
        this.handle = handle;
        this.process = process;
    }

    /**
     * Whether this platform has pidfd (Linux with glibc 2.36 or newer; the kernel must be 5.3 or newer).
     *
     * @return true where {@code pidfd_open} exists in the C library
     */
    public static boolean isAvailable() {
        return PidFdSys.isAvailable();
    }

    /**
     * Opens a pidfd for a process this JVM started; {@link #exitValue()} then gives its exit status.
     *
     * @param process the process
     * @return the pidfd
     * @throws ErrnoException                on ENOSYS (kernel older than 5.3), EMFILE, ...
     * @throws UnsupportedOperationException where there is no pidfd ({@link #isAvailable()})
     */
    public static PidFd of(Process process) throws IOException {
        return open(process.toHandle(), Optional.of(process));
    }

    /**
     * Opens a pidfd for any process.
     *
     * @param handle the process, e.g. {@code ProcessHandle.of(pid).orElseThrow()}
     * @return the pidfd
     * @throws ErrnoException                on ESRCH (no such process), ENOSYS (kernel older than 5.3), EMFILE, ...
     * @throws UnsupportedOperationException where there is no pidfd ({@link #isAvailable()})
     */
    public static PidFd of(ProcessHandle handle) throws IOException {
        return open(handle, Optional.empty());
    }

    private static PidFd open(ProcessHandle handle, Optional<Process> process) throws IOException {
        if (!isAvailable()) {
            throw unavailable("pidfd", "EVFILT_PROC (NOTE_EXIT)");
        }
        long pid = handle.pid();
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("pid " + pid + " is not a process id");
        }
        try {
            return new PidFd(PidFdSys.open((int) pid), handle, process);
        } catch (ErrnoException e) {
            if (e.errno() == PidFdSys.ESRCH && !handle.isAlive()) {
                // Exited and reaped already (the JVM reaps its children at once): nothing is left to open, so
                // stand in a descriptor that is readable from the start, as the pidfd would have been.
                return new PidFd(io.jselectors.internal.os.EventFd.eventfd(1,
                        io.jselectors.internal.os.EventFd.EFD_NONBLOCK | io.jselectors.internal.os.EventFd.EFD_CLOEXEC),
                        handle, process);
            }
            if (e.errno() == PidFdSys.ESRCH) {
                throw e.withHint("the process is gone (exited and reaped): ask its Process or ProcessHandle");
            }
            if (e.errno() == io.jselectors.internal.os.Errno.ENOSYS) {
                throw e.withHint("the kernel is older than 5.3 and has no pidfd_open: use ProcessHandle.onExit()");
            }
            throw withFdHint(e);
        }
    }

    /**
     * Returns the process id.
     *
     * @return the pid
     */
    public long pid() {
        return handle.pid();
    }

    /**
     * Whether the process has exited: whether this pidfd is readable now (a {@code poll} with no wait). This is
     * the kernel's answer, which can come a moment before {@link Process#isAlive()} turns false: the JVM collects
     * the exit status on a thread of its own.
     *
     * @return true once the process has exited
     * @throws IOException if closed, or on an error from poll
     */
    public boolean hasExited() throws IOException {
        int fd = liveFd("pidfd hasExited");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pfd = arena.allocate(Poll.POLLFD_SIZE, 8);
            Poll.set(pfd, 0, fd, Poll.POLLIN);
            int n;
            while ((n = Poll.poll(pfd, 1, 0)) < 0) {
                Poll.set(pfd, 0, fd, Poll.POLLIN); // EINTR: again
            }
            return n == 1 && (Poll.revents(pfd, 0) & Poll.POLLIN) != 0;
        }
    }

    /**
     * Returns the exit status of a process opened with {@link #of(Process)}, once it has exited. The JVM
     * collects the status on a thread of its own, which may trail the pidfd's readiness by a moment: this
     * call waits for it.
     *
     * @return the exit status, or empty for a process opened by {@link ProcessHandle} (its status is not ours)
     * @throws IllegalStateException if the process has not exited yet (wait for {@code EVENT_READ} first)
     * @throws IOException           if closed, or on an error from poll
     * @throws InterruptedException  if interrupted while the JVM collects the status
     */
    public OptionalInt exitValue() throws IOException, InterruptedException {
        if (process.isEmpty()) {
            return OptionalInt.empty();
        }
        if (!hasExited()) {
            throw new IllegalStateException("process " + pid() + " is still running: select for EVENT_READ on this pidfd first");
        }
        return OptionalInt.of(process.get().waitFor());
    }
}
