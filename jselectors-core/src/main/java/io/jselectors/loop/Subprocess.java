package io.jselectors.loop;

import io.jselectors.internal.os.SignalSys;
import io.jselectors.internal.os.SpawnSys;
import io.jselectors.net.NativeStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A child process started by {@link EventLoop#subprocessExec} (asyncio's {@code SubprocessTransport}): its
 * pid, its piped standard descriptors as transports of the loop, and its exit as a future.
 *
 * <p>The child is reaped by the loop as soon as it exits (no zombie stays), so its pid is never signalled
 * after it may have been reused: {@link #sendSignal} does nothing once the exit is known. Methods other than
 * {@link #pid()} and {@link #exited()} belong to the loop thread, like a transport's.
 */
public final class Subprocess {
    private final EventLoop loop;
    private final int pid;
    private final SubprocessProtocol protocol;
    private final StreamTransport[] pipes = new StreamTransport[3];
    private final ExitWatch exit;

    Subprocess(EventLoop loop, int pid, SubprocessProtocol protocol) {
        this.loop = loop;
        this.pid = pid;
        this.protocol = protocol;
        this.exit = new ExitWatch(loop, pid, this::onExit);
    }

    /** Tells the protocol, then serves the pipes (parent ends, non-blocking; null where not piped) and watches the exit. */
    void start(NativeStream[] ends) {
        for (int fd = 0; fd < 3; fd++) {
            if (ends[fd] != null) {
                pipes[fd] = StreamTransport.pipeEnd(loop, ends[fd], new PipeProtocol(fd), fd != 0);
            }
        }
        try {
            protocol.connectionMade(this);
        } catch (Throwable t) {
            loop.reportError("connectionMade of", protocol, t);
        }
        for (StreamTransport t : pipes) {
            if (t != null) {
                t.start();
            }
        }
        exit.start();
    }

    private void onExit() {
        int status = exit.exited().join();
        try {
            protocol.processExited(status);
        } catch (Throwable t) {
            loop.reportError("processExited of", protocol, t);
        }
    }

    /**
     * Returns the process id.
     *
     * @return the child's pid
     */
    public long pid() {
        return pid;
    }

    /**
     * The child's exit status, once it has exited and been reaped: the exit code (0-255), or minus the signal
     * that ended it (asyncio's {@code returncode}). It completes on the loop thread, or, when the loop closed
     * before the child exited, on the JDK's process-exit thread. It may complete before the last bytes of stdout
     * and stderr are delivered ({@link SubprocessProtocol#pipeConnectionLost} marks their end). It fails only if
     * something else in this process reaped the child first (a {@code waitpid(-1)}, or SIGCHLD set to ignore).
     *
     * @return the future
     */
    public CompletableFuture<Integer> exited() {
        return exit.exited();
    }

    /**
     * Returns the child's stdin as a transport: {@code write}, {@code close()} (the child reads end of file once
     * the buffer is sent), water marks ({@link SubprocessProtocol#pauseWriting()}), {@code abort()}.
     *
     * @return the writing end of the stdin pipe
     * @throws IllegalStateException if stdin is not {@link SubprocessOptions.Stdio#PIPE}
     */
    public Transport stdin() {
        return pipe(0, "stdin");
    }

    /**
     * Returns the child's stdout as a transport, for {@code pauseReading}/{@code resumeReading} and
     * {@code close()}; its bytes arrive in {@link SubprocessProtocol#pipeDataReceived} with fd 1. Writing to it
     * throws {@link IllegalStateException}.
     *
     * @return the reading end of the stdout pipe
     * @throws IllegalStateException if stdout is not {@link SubprocessOptions.Stdio#PIPE}
     */
    public Transport stdout() {
        return pipe(1, "stdout");
    }

    /**
     * Returns the child's stderr as a transport, as {@link #stdout()} (fd 2).
     *
     * @return the reading end of the stderr pipe
     * @throws IllegalStateException if stderr is not {@link SubprocessOptions.Stdio#PIPE}
     */
    public Transport stderr() {
        return pipe(2, "stderr");
    }

    private Transport pipe(int fd, String name) {
        if (pipes[fd] == null) {
            throw new IllegalStateException(name + " of child " + pid + " is not a pipe: start it with Stdio.PIPE for " + name);
        }
        return pipes[fd];
    }

    /**
     * Sends a signal to the child, unless it has exited (then its pid may be another process's).
     *
     * @param signal a name, with or without {@code SIG}: {@code "TERM"}, {@code "KILL"}, {@code "INT"}, ...
     * @return true if sent; false if the child had already exited
     * @throws IllegalArgumentException for a name not in {@code HUP INT QUIT KILL USR1 ALRM TERM CHLD CONT TSTP
     *                                  TTIN TTOU URG WINCH IO}
     * @throws IllegalStateException    off the loop thread while the loop runs
     * @throws IOException              if kill fails (EPERM)
     */
    public boolean sendSignal(String signal) throws IOException {
        Integer number = SignalSys.SIGNALS.get(SignalSys.canonical(Objects.requireNonNull(signal, "signal")));
        if (number == null) {
            throw new IllegalArgumentException("unknown signal " + signal + ": use one of " + SignalSys.SIGNALS.keySet());
        }
        loop.scheduler().checkLoopThread();
        if (exit.reaped() || exit.exited().isDone()) {
            return false;
        }
        SpawnSys.kill(pid, number); // not reaped: the pid is still this child's (a zombie at worst)
        return true;
    }

    /**
     * {@code sendSignal("TERM")}: asks the child to end.
     *
     * @return true if sent; false if the child had already exited
     * @throws IOException if kill fails
     */
    public boolean terminate() throws IOException {
        return sendSignal("TERM");
    }

    /**
     * {@code sendSignal("KILL")}: ends the child at once.
     *
     * @return true if sent; false if the child had already exited
     * @throws IOException if kill fails
     */
    public boolean kill() throws IOException {
        return sendSignal("KILL");
    }

    @Override
    public String toString() {
        return "Subprocess[pid " + pid + (exit.exited().isDone() ? ", exited" : "") + "]";
    }

    /** One pipe's protocol: forwards to the subprocess protocol with the child's descriptor number. */
    private final class PipeProtocol implements Protocol {
        private final int fd;

        PipeProtocol(int fd) {
            this.fd = fd;
        }

        @Override
        public void dataReceived(MemorySegment data) {
            protocol.pipeDataReceived(fd, data);
        }

        @Override
        public void connectionLost(Throwable cause) {
            protocol.pipeConnectionLost(fd, cause);
        }

        @Override
        public void pauseWriting() {
            protocol.pauseWriting();
        }

        @Override
        public void resumeWriting() {
            protocol.resumeWriting();
        }
    }
}
