package io.jselectors.loop;

import io.jselectors.ErrnoException;
import io.jselectors.internal.os.Native;
import io.jselectors.internal.os.PidFdSys;
import io.jselectors.internal.os.SpawnSys;
import io.jselectors.internal.os.Unistd;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Watches one child for its exit and reaps it. With a pidfd (Linux 5.3+, glibc 2.36+) the loop's selector
 * reports the exit; elsewhere a timer polls {@code waitpid(WNOHANG)}, every 1 ms at first and doubling up to
 * {@link #MAX_POLL}. When the loop closes first, the JDK's process-exit thread
 * ({@code ProcessHandle.onExit()}, which waits without reaping) hands the child back to be reaped, so no
 * zombie is left either way.
 */
final class ExitWatch implements LoopResource, Runnable {
    /** The longest wait between two polls without a pidfd: an exit is noticed within this. */
    static final Duration MAX_POLL = Duration.ofMillis(50);
    /** Tests turn the pidfd off to run the polling path on Linux. */
    static volatile boolean pidfdDisabledForTests;

    private final EventLoop loop;
    private final int pid;
    private final CompletableFuture<Integer> exited = new CompletableFuture<>();
    private final Runnable onExit;
    /** The raw wait status; owned by this watch, any thread (the reap after close runs on the JDK's). */
    private final MemorySegment status = Arena.ofAuto().allocate(Native.C_INT);
    private FdHandlers pidfd;
    private TimerHandle timer;
    private long pollNanos = 1_000_000;
    /** Reaped: the pid may belong to another process from now on. */
    private volatile boolean reaped;

    /** @param onExit runs on the loop thread once the exit status is in {@link #exited()} */
    ExitWatch(EventLoop loop, int pid, Runnable onExit) {
        this.loop = loop;
        this.pid = pid;
        this.onExit = onExit;
    }

    /** Starts watching; loop thread. Without a pidfd (none here, or none to be had: EMFILE, ENOSYS), it polls. */
    void start() {
        loop.track(this);
        if (PidFdSys.isAvailable() && !pidfdDisabledForTests) {
            try {
                pidfd = new FdHandlers(PidFdSys.open(pid), true); // a child not yet reaped has its pid: no ESRCH
                pidfd.reader = this;
                loop.io().update(pidfd);
                return;
            } catch (IOException | RuntimeException e) {
                if (pidfd != null) {
                    closePidfd();
                }
            }
        }
        poll();
    }

    CompletableFuture<Integer> exited() {
        return exited;
    }

    boolean reaped() {
        return reaped;
    }

    /** The pidfd is readable: the child exited. */
    @Override
    public void run() {
        tryReap();
    }

    private void poll() {
        timer = null;
        if (tryReap()) {
            return;
        }
        timer = loop.schedule(Duration.ofNanos(pollNanos), this::poll);
        pollNanos = Math.min(pollNanos * 2, MAX_POLL.toNanos());
    }

    /** @return true once the child is reaped (or can never be: the failure is in the future) */
    private boolean tryReap() {
        try {
            if (!SpawnSys.reap(pid, status)) {
                return false;
            }
            reaped = true;
        } catch (ErrnoException e) {
            stop();
            exited.completeExceptionally(e.withHint("someone else reaped child " + pid
                    + " (a waitpid(-1) elsewhere in this process, or SIGCHLD set to SIG_IGN)"));
            return true;
        }
        stop();
        exited.complete(SpawnSys.exitStatus(status.get(Native.C_INT, 0)));
        onExit.run();
        return true;
    }

    /** Stops watching: the pidfd out of the selector and closed, or the timer cancelled. */
    private void stop() {
        loop.untrack(this);
        if (pidfd != null) {
            loop.io().forget(pidfd);
            closePidfd();
        }
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    private void closePidfd() {
        try {
            Unistd.close((Integer) pidfd.file);
        } catch (ErrnoException e) {
            // released anyway
        }
        pidfd = null;
    }

    /** The loop closed before the child exited: the JDK's exit waiter hands it back to be reaped. */
    @Override
    public void loopClosed() {
        if (pidfd != null) {
            loop.io().forget(pidfd);
            closePidfd();
        }
        timer = null;
        if (reaped) {
            return;
        }
        ProcessHandle.of(pid).ifPresentOrElse(h -> h.onExit().thenRun(this::reapAfterClose), this::reapAfterClose);
    }

    private void reapAfterClose() {
        try {
            if (SpawnSys.reap(pid, status)) {
                reaped = true;
                exited.complete(SpawnSys.exitStatus(status.get(Native.C_INT, 0)));
            } else {
                exited.completeExceptionally(new IllegalStateException("child " + pid + " was reported gone but still runs"));
            }
        } catch (ErrnoException e) {
            exited.completeExceptionally(e);
        }
    }

    @Override
    public String toString() {
        return "exit watch of child " + pid;
    }
}
