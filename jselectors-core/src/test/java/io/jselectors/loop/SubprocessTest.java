package io.jselectors.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jselectors.ErrnoException;
import io.jselectors.internal.os.Errno;
import io.jselectors.internal.os.SpawnSys;
import io.jselectors.loop.SubprocessOptions.Stdio;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Child processes on the loop: pipes as transports, the exit as a future, no zombie, no leaked descriptor. */
class SubprocessTest {
    /** Collects what the child writes and when its pipes close. */
    static class Collector implements SubprocessProtocol {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final CompletableFuture<Void> stdoutClosed = new CompletableFuture<>();
        final List<String> events = new ArrayList<>();
        Subprocess process;

        @Override public void connectionMade(Subprocess p) { process = p; events.add("made"); }
        @Override public void pipeDataReceived(int fd, MemorySegment data) {
            (fd == 1 ? out : err).writeBytes(data.toArray(ValueLayout.JAVA_BYTE));
        }
        @Override public void pipeConnectionLost(int fd, Throwable cause) {
            events.add("lost " + fd + (cause == null ? "" : " " + cause.getClass().getSimpleName()));
            if (fd == 1) {
                stdoutClosed.complete(null);
            }
        }
        @Override public void processExited(int status) { events.add("exited " + status); }
        @Override public void pauseWriting() { events.add("pause"); }
        @Override public void resumeWriting() { events.add("resume"); }

        String out() { return out.toString(StandardCharsets.UTF_8); }
        String err() { return err.toString(StandardCharsets.UTF_8); }
    }

    @BeforeEach
    void linuxOnly() {
        assumeTrue(SpawnSys.isAvailable(), "posix_spawn is tabled for Linux only; this is " + System.getProperty("os.name"));
    }

    /** Runs until the child exited and its stdout closed; returns the exit status. */
    private static int finish(EventLoop loop, Subprocess p, Collector c) {
        return Run.until(loop, p.exited().thenCombine(c.stdoutClosed, (s, v) -> s));
    }

    @Test
    void stdinToStdoutThroughTheChildAndItsExitStatus() throws Exception {
        int fds = FdCount.now();
        try (EventLoop loop = EventLoop.open()) {
            Collector c = new Collector();
            Subprocess p = loop.subprocessExec(List.of("sh", "-c", "tr a-z A-Z; echo bye >&2; exit 3"), c);
            p.stdin().write("hello, child\n".getBytes(StandardCharsets.UTF_8));
            p.stdin().close(); // flush, then the child reads end of file
            assertThat(finish(loop, p, c)).isEqualTo(3);
            Run.until(loop, () -> c.events.contains("lost 2"), Duration.ofSeconds(10));
            assertThat(c.out()).isEqualTo("HELLO, CHILD\n");
            assertThat(c.err()).isEqualTo("bye\n");
            assertThat(c.events).startsWith("made").contains("lost 0", "lost 1", "lost 2", "exited 3");
            assertThat(Path.of("/proc/" + p.pid())).as("reaped: no zombie left").doesNotExist();
            assertThat(p.sendSignal("TERM")).as("no signal to a reaped (maybe reused) pid").isFalse();
        }
        assertThat(FdCount.now()).as("every pipe end and the pidfd closed").isEqualTo(fds);
    }

    @Test
    void theChildGetsNoDescriptorBeyondItsStdio() throws Exception {
        assumeTrue(SpawnSys.closesInheritedDescriptors(), "the C library has no posix_spawn_file_actions_addclosefrom_np");
        try (EventLoop loop = EventLoop.open()) {
            Collector c = new Collector();
            Subprocess p = loop.subprocessExec(List.of("ls", "/proc/self/fd"), c);
            assertThat(finish(loop, p, c)).isZero();
            assertThat(c.out()).isEqualTo("0\n1\n2\n3\n"); // 3: ls's own handle on the directory
        }
    }

    @Test
    void aSignalEndsTheChildAndTheStatusSaysWhich() throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            Collector c = new Collector();
            Subprocess p = loop.subprocessExec(List.of("sleep", "30"), c);
            assertThat(p.kill()).isTrue();
            assertThat(finish(loop, p, c)).isEqualTo(-9);
            assertThat(p.kill()).isFalse();
        }
    }

    @Test
    void withoutPidfdTheExitIsPolled() throws Exception {
        ExitWatch.pidfdDisabledForTests = true;
        try (EventLoop loop = EventLoop.open()) {
            Collector c = new Collector();
            Subprocess p = loop.subprocessExec(List.of("sh", "-c", "sleep 0.2; exit 5"), c,
                    SubprocessOptions.DEFAULTS.withStdin(Stdio.DEVNULL));
            assertThat(finish(loop, p, c)).isEqualTo(5);
            assertThat(Path.of("/proc/" + p.pid())).doesNotExist();
        } finally {
            ExitWatch.pidfdDisabledForTests = false;
        }
    }

    @Test
    void aProgramThatCannotStartNamesTheErrnoAndThePath() throws Exception {
        int fds = FdCount.now();
        try (EventLoop loop = EventLoop.open()) {
            assertThatThrownBy(() -> loop.subprocessExec(List.of("no-such-program-i13"), new Collector()))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT))
                    .hasMessageContaining("posix_spawnp(no-such-program-i13)").hasMessageContaining("ENOENT");
            Path notExecutable = Files.createTempFile("i13", ".txt");
            try {
                assertThatThrownBy(() -> loop.subprocessExec(List.of(notExecutable.toString()), new Collector()))
                        .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EACCES))
                        .hasMessageContaining(notExecutable.toString());
            } finally {
                Files.delete(notExecutable);
            }
            assertThatThrownBy(() -> loop.subprocessExec(List.of(), new Collector()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("argv is empty");
        }
        assertThat(FdCount.now()).as("the pipes of a failed start are closed").isEqualTo(fds);
    }

    @Test
    void environmentDirectoryAndDevNull() throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            Collector c = new Collector();
            Path dir = Files.createTempDirectory("i13").toRealPath();
            try {
                SubprocessOptions o = SubprocessOptions.DEFAULTS.withStdin(Stdio.DEVNULL).withStderr(Stdio.DEVNULL)
                        .withEnvironment(Map.of("GREETING", "hi", "PATH", System.getenv("PATH"))).withDirectory(dir);
                Subprocess p = loop.subprocessExec(List.of("sh", "-c", "echo $GREETING; pwd; cat; echo gone >&2"), c, o);
                assertThat(finish(loop, p, c)).isZero();
                assertThat(c.out()).isEqualTo("hi\n" + dir + "\n");
                assertThatThrownBy(p::stdin).isInstanceOf(IllegalStateException.class).hasMessageContaining("not a pipe");
                assertThatThrownBy(() -> p.stdout().write(new byte[1])).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("reading end of a pipe");
            } finally {
                Files.delete(dir);
            }
        }
    }

    @Test
    void aChildThatDoesNotReadPausesTheWriterAtTheHighWaterMark() throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            Collector c = new Collector();
            Subprocess p = loop.subprocessExec(List.of("sleep", "30"), c);
            Transport in = p.stdin();
            in.setWriteBufferLimits(64 * 1024, 16 * 1024);
            in.write(new byte[1 << 20]); // a pipe takes 64 KiB on Linux; the rest waits
            assertThat(c.events).contains("pause");
            assertThat(in.writeBufferSize()).isGreaterThan(64 * 1024).isLessThanOrEqualTo(1 << 20);
            p.kill();
            assertThat(finish(loop, p, c)).isEqualTo(-9);
            Run.until(loop, () -> c.events.contains("lost 0 ErrnoException"), Duration.ofSeconds(10)); // EPIPE
        }
    }

    @Test
    void aChildOutlivingTheLoopIsStillReaped() throws Exception {
        Subprocess p;
        Collector c = new Collector();
        try (EventLoop loop = EventLoop.open()) {
            p = loop.subprocessExec(List.of("sleep", "0.3"), c);
        }
        assertThat(c.events).contains("lost 0 IOException", "lost 1 IOException", "lost 2 IOException");
        assertThat(p.exited().get(10, TimeUnit.SECONDS)).isZero();
        assertThat(Path.of("/proc/" + p.pid())).as("reaped after the loop closed").doesNotExist();
    }
}
