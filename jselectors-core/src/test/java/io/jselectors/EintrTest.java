package io.jselectors;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.internal.os.Epoll;
import io.jselectors.internal.os.Fcntl;
import io.jselectors.internal.os.Poll;
import io.jselectors.internal.os.Select;
import io.jselectors.internal.os.Unistd;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Proof that {@link Signals} really produces EINTR: each raw wait binding, blocked for 10 s, returns
 * -1 (its EINTR sentinel) soon after SIGWINCH is aimed at its thread. The selectors' tests rely on it
 * ({@code AbstractSelectorTest#signalsDuringATimedSelectAreRetriedWithTheRemainingTime}).
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "Signals uses Linux signal numbers")
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EintrTest {
    private static final long LONG_WAIT_MS = 10_000;
    private static final long EARLY_NANOS = TimeUnit.SECONDS.toNanos(5);

    interface Wait {
        int call() throws IOException;
    }

    @Test
    void epollWaitReturnsEintr() throws IOException {
        int epfd = Epoll.create1(Epoll.EPOLL_CLOEXEC);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment events = arena.allocate(Epoll.EVENT_SIZE * 4);
            assertInterrupted(() -> Epoll.waitMillis(epfd, events, (int) LONG_WAIT_MS));
            MemorySegment ts = arena.allocate(Epoll.TIMESPEC);
            Epoll.setTimespec(ts, TimeUnit.MILLISECONDS.toNanos(LONG_WAIT_MS));
            assertInterrupted(() -> Epoll.pwait2(epfd, events, ts));
        } finally {
            Unistd.close(epfd);
        }
    }

    @Test
    void pollReturnsEintr() throws IOException {
        try (Arena arena = Arena.ofConfined(); Fds fds = new Fds()) {
            MemorySegment set = arena.allocate(Poll.POLLFD, 1);
            Poll.set(set, 0, fds.pipe()[0], Poll.POLLIN);
            assertInterrupted(() -> Poll.poll(set, 1, (int) LONG_WAIT_MS));
        }
    }

    @Test
    void selectReturnsEintr() throws IOException {
        try (Arena arena = Arena.ofConfined(); Fds fds = new Fds()) {
            int fd = fds.pipe()[0];
            MemorySegment set = arena.allocate(Select.FD_SET);
            Select.set(set, fd);
            MemorySegment tv = arena.allocate(Select.TIMEVAL);
            tv.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, LONG_WAIT_MS / 1000);
            assertInterrupted(() -> Select.select(fd + 1, set, MemorySegment.NULL, tv));
        }
    }

    /** read() on a blocking pipe is retried after EINTR, and returns the bytes written later. */
    @Test
    @SuppressWarnings("try") // the Signals resource works by existing: it installs the handler
    void blockingReadIsRetried() throws Exception {
        try (Fds fds = new Fds(); Signals signals = new Signals()) {
            int[] p = fds.pipe();
            Fcntl.setNonBlocking(p[0], false);
            AtomicReference<Throwable> writerError = new AtomicReference<>();
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(300);
                    fds.write(p[1], "late");
                } catch (Exception e) {
                    writerError.set(e);
                }
            });
            String got;
            Signals.Pelter pelter = Signals.pelt(Signals.self(), 20);
            try (pelter) {
                got = fds.read(p[0], 16);
            }
            writer.join();
            assertThat(writerError.get()).isNull();
            assertThat(got).isEqualTo("late");
            assertThat(pelter.sent.get()).isGreaterThanOrEqualTo(3);
        }
    }

    private static void assertInterrupted(Wait wait) throws IOException {
        try (Signals signals = new Signals()) {
            Signals.Pelter pelter = Signals.pelt(Signals.self(), 50);
            long t0 = System.nanoTime();
            int r;
            try (pelter) {
                r = wait.call();
            }
            long took = System.nanoTime() - t0;
            assertThat(r).as("the EINTR sentinel").isEqualTo(-1);
            assertThat(took).as("ns until the interrupted wait returned").isLessThan(EARLY_NANOS);
            assertThat(pelter.sent.get()).isPositive();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (signals.delivered.get() == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(signals.delivered.get()).as("signals the Java handler saw").isPositive();
        }
    }
}
