package io.jselectors.fd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.ErrnoException;
import io.jselectors.ReadyEvent;
import io.jselectors.Selector;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The io.jselectors.fd classes beyond their examples: edge cases, errors and what they say. Linux only. */
class FdTest {
    @BeforeAll
    static void linux() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux"),
                "the fd package's facilities are Linux ones");
    }

    @Test
    void everyFacilityIsAvailableOnLinux() {
        assertThat(List.of(EventFd.isAvailable(), TimerFd.isAvailable(), Inotify.isAvailable(), SignalFd.isAvailable(),
                PidFd.isAvailable(), Pty.isAvailable())).containsOnly(true);
    }

    @Test
    void unavailableNamesTheKqueueFilter() {
        assertThat(FdResource.unavailable("timerfd", "EVFILT_TIMER").getMessage())
                .contains("timerfd", "isAvailable()", "EVFILT_TIMER");
    }

    @Test
    void eventFdAddRefusesWhatTheKernelRefusesAndReportsAFullCounter() throws IOException {
        try (EventFd ev = EventFd.open(0)) {
            assertThatThrownBy(() -> ev.add(0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ev.add(-1)).isInstanceOf(IllegalArgumentException.class);
            assertThat(ev.add(EventFd.MAX)).isTrue();
            assertThat(ev.add(1)).as("one more than MAX does not fit").isFalse();
            assertThat(Long.toUnsignedString(ev.take())).isEqualTo(Long.toUnsignedString(EventFd.MAX));
            assertThat(ev.take()).isZero();
        }
        assertThatThrownBy(() -> EventFd.open(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void closedFdSaysWhatIsClosedAndCloseTwiceIsFine() throws IOException {
        EventFd ev = EventFd.open(1);
        ev.close();
        ev.close();
        assertThat(ev.fileno()).isEqualTo(-1);
        assertThat(ev.isOpen()).isFalse();
        assertThatThrownBy(ev::take).isInstanceOf(ClosedChannelException.class)
                .hasMessage("eventfd take: the eventfd is closed");
    }

    @Test
    void timerFdOneShotCountsOnceAndPeriodicCountsEveryPeriod() throws Exception {
        try (Selector sel = Selector.open(); TimerFd t = TimerFd.open(TimerFd.Clock.MONOTONIC)) {
            sel.register(t, Selector.EVENT_READ);
            assertThat(t.remaining()).isEqualTo(Duration.ZERO);
            assertThat(t.expirations()).as("disarmed: nothing to read").isZero();
            t.scheduleOnce(Duration.ofMillis(5));
            assertThat(sel.select(Duration.ofSeconds(5))).hasSize(1);
            assertThat(t.expirations()).isEqualTo(1);
            t.schedule(Duration.ofMillis(1), Duration.ofMillis(1));
            Thread.sleep(50);
            assertThat(t.expirations()).as("50 ms of a 1 ms period, read at once").isGreaterThan(10);
            assertThat(t.period()).isEqualTo(Duration.ofMillis(1));
            t.disarm();
            assertThat(t.remaining()).isEqualTo(Duration.ZERO);
            assertThat(sel.select(Duration.ofMillis(20))).as("disarmed timer stays quiet").isEmpty();
        }
    }

    @Test
    void timerFdScheduleRulesSayWhatToDoInstead() throws Exception {
        try (TimerFd mono = TimerFd.open(TimerFd.Clock.MONOTONIC); TimerFd wall = TimerFd.open(TimerFd.Clock.REALTIME)) {
            assertThatThrownBy(() -> mono.scheduleAt(Instant.now(), Duration.ZERO))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("REALTIME");
            assertThatThrownBy(() -> mono.schedule(Duration.ZERO, Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("disarm()");
            assertThatThrownBy(() -> mono.schedule(Duration.ofSeconds(1), Duration.ofSeconds(-1)))
                    .isInstanceOf(IllegalArgumentException.class);
            wall.scheduleAt(Instant.now().minusSeconds(10), Duration.ZERO);
            Thread.sleep(5);
            assertThat(wall.expirations()).as("a time already past expires at once").isEqualTo(1);
            wall.scheduleAt(Instant.now().plusSeconds(60), Duration.ZERO);
            assertThat(wall.remaining()).isBetween(Duration.ofSeconds(58), Duration.ofSeconds(60));
        }
    }

    @Test
    void inotifyDecodesNamesMovesAndTheEndOfAWatch(@TempDir Path dir) throws Exception {
        try (Selector sel = Selector.open(); Inotify in = Inotify.open()) {
            Path sub = Files.createDirectory(dir.resolve("sub"));
            Inotify.Watch w = in.watch(sub, Inotify.ALL_EVENTS);
            assertThat(in.watch(sub, Inotify.CREATE)).as("same path, same watch").isEqualTo(w);
            in.watch(sub, Inotify.MOVED_FROM | Inotify.MOVED_TO | Inotify.CREATE | Inotify.DELETE_SELF);
            sel.register(in, Selector.EVENT_READ);
            Files.createDirectory(sub.resolve("d"));
            Files.move(sub.resolve("d"), sub.resolve("e"));
            in.unwatch(w);
            List<Inotify.Event> events = new java.util.ArrayList<>();
            while (events.stream().noneMatch(e -> e.is(Inotify.IGNORED)) && !sel.select(Duration.ofSeconds(5)).isEmpty()) {
                events.addAll(in.read());
            }
            assertThat(events).extracting(Inotify.Event::what)
                    .containsExactly("CREATE|ISDIR", "MOVED_FROM|ISDIR", "MOVED_TO|ISDIR", "IGNORED");
            assertThat(events.get(0).path()).isEqualTo(sub.resolve("d"));
            assertThat(events.get(1).cookie()).isNotZero().isEqualTo(events.get(2).cookie());
            assertThat(events.get(3).name()).isEmpty();
            assertThat(in.read()).as("nothing queued").isEmpty();
            in.unwatch(w); // gone already: ignored
        }
    }

    @Test
    void inotifyErrorsNameThePath(@TempDir Path dir) throws IOException {
        try (Inotify in = Inotify.open()) {
            assertThatThrownBy(() -> in.watch(dir.resolve("missing"), Inotify.CREATE))
                    .isInstanceOf(ErrnoException.class).hasMessageContaining("missing").hasMessageContaining("ENOENT");
            assertThatThrownBy(() -> in.watch(dir, 0)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void signalFdRefusesTheJvmsSignalsAndUnblocksAtClose() throws Exception {
        assertThatThrownBy(() -> SignalFd.open("SEGV")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("JVM");
        assertThatThrownBy(() -> SignalFd.open("USR2")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(SignalFd::open).isInstanceOf(IllegalArgumentException.class);
        long before = blockedMask();
        try (Selector sel = Selector.open(); SignalFd s = SignalFd.open("SIGWINCH", "usr1")) {
            assertThat(s.signals()).containsExactly("WINCH", "USR1");
            assertThat(blockedMask() & (1L << 27 | 1L << 9)).as("WINCH and USR1 blocked in this thread").isEqualTo(1L << 27 | 1L << 9);
            sel.register(s, Selector.EVENT_READ);
            SignalFd.raise("WINCH");
            List<ReadyEvent> ready = sel.select(Duration.ofSeconds(5));
            assertThat(ready).hasSize(1);
            SignalFd.SigInfo info = s.read();
            assertThat(info.name()).isEqualTo("WINCH");
            assertThat(info.code()).as("SI_TKILL: raise").isEqualTo(-6);
            assertThat(info.pid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(s.read()).isNull();
        }
        assertThat(blockedMask()).as("close() restores this thread's mask").isEqualTo(before);
    }

    /** SigBlk of the calling thread, from /proc/thread-self/status. */
    private static long blockedMask() throws IOException {
        return Files.readAllLines(Path.of("/proc/thread-self/status")).stream()
                .filter(l -> l.startsWith("SigBlk:")).map(l -> Long.parseUnsignedLong(l.substring(7).trim(), 16))
                .findFirst().orElseThrow();
    }

    /**
     * No pipes to the child: the JVM closes a process's pipes on its reaper thread some time after the exit,
     * which later tests would see as descriptors vanishing under their counts.
     */
    private static ProcessBuilder quiet(ProcessBuilder pb) {
        return pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
    }

    @Test
    void pidFdOfAProcessAlreadyReapedIsReadableAtOnce() throws Exception {
        Process p = quiet(new ProcessBuilder("true")).start();
        assertThat(p.waitFor()).isZero();
        io.jselectors.testsupport.ChildProcesses.closeStreams(p);
        try (Selector sel = Selector.open(); PidFd fd = PidFd.of(p)) {
            sel.register(fd, Selector.EVENT_READ);
            assertThat(sel.select(Duration.ZERO)).hasSize(1);
            assertThat(fd.hasExited()).isTrue();
            assertThat(fd.exitValue()).hasValue(0);
        }
    }

    @Test
    void pidFdOfARunningProcessWaitsForItsExit() throws Exception {
        Process p = quiet(new ProcessBuilder("sleep", "30")).start();
        try (Selector sel = Selector.open(); PidFd fd = PidFd.of(p); PidFd byHandle = PidFd.of(p.toHandle())) {
            sel.register(fd, Selector.EVENT_READ, "process");
            sel.register(byHandle, Selector.EVENT_READ, "handle");
            assertThat(sel.select(Duration.ofMillis(50))).isEmpty();
            assertThat(fd.hasExited()).isFalse();
            assertThatThrownBy(fd::exitValue).isInstanceOf(IllegalStateException.class).hasMessageContaining("EVENT_READ");
            p.destroy();
            List<ReadyEvent> ready = new java.util.ArrayList<>();
            while (ready.size() < 2 && ready.addAll(sel.select(Duration.ofSeconds(5)))) {
                // both become readable
            }
            assertThat(ready).hasSize(2);
            assertThat(fd.hasExited()).as("readable: exited, even before the JVM has collected it").isTrue();
            assertThat(fd.exitValue()).as("waits for the JVM to collect the status").hasValue(143);
            assertThat(byHandle.exitValue()).isEmpty();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void ptyPassesBytesUnchangedAndTheMasterSeesEioAfterTheSlaveCloses() throws Exception {
        try (Pty pty = Pty.open()) {
            byte[] all = new byte[256];
            for (int i = 0; i < all.length; i++) {
                all[i] = (byte) i;
            }
            pty.master().write(ByteBuffer.wrap(all));
            ByteBuffer got = ByteBuffer.allocate(512);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (got.position() < 256 && System.nanoTime() < deadline) {
                if (pty.slave().read(got) == 0) {
                    Thread.sleep(1);
                }
            }
            assertThat(java.util.Arrays.copyOf(got.array(), got.position())).as("raw mode: every byte as sent").isEqualTo(all);
            pty.slave().close();
            assertThatThrownBy(() -> pty.master().read(ByteBuffer.allocate(8)))
                    .isInstanceOf(ErrnoException.class).hasMessageContaining("EIO");
        }
    }
}
