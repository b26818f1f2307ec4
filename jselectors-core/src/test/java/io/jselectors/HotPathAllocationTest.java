package io.jselectors;

import static io.jselectors.Selector.EVENT_READ;
import static io.jselectors.Selector.EVENT_WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * "select(Duration, ReadyHandler) allocates nothing in steady state", measured with the calling
 * thread's allocation counter ({@link AllocationCounter}, i.e. {@code com.sun.management.ThreadMXBean})
 * over many calls after a warm-up. Deterministic: a byte allocated per call would show as thousands.
 */
class HotPathAllocationTest {
    private static final int WARMUP_CALLS = 30_000;
    private static final int CALLS_PER_ROUND = 10_000;
    private static final int MIN_ROUNDS = 30;
    /**
     * Rounds go on until one is clean: C2 may compile late on a loaded machine (its compiler threads share
     * two cores with everything else), so past 30 rounds the bound is time, not a count. Code that
     * allocates once compiled fails all the same, only later.
     */
    private static final long MAX_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(60);

    /** The counter counts, and reading it costs nothing, or every round would show its cost. */
    @BeforeAll
    static void theAllocationCounterWorks() {
        long a = AllocationCounter.currentThread();
        byte[] garbage = new byte[100_000];
        long b = AllocationCounter.currentThread();
        assertThat(b - a).as("a 100,000-byte array is counted").isGreaterThanOrEqualTo(garbage.length);
        long zero = Long.MAX_VALUE;
        for (int i = 0; i < 10_000 && zero != 0; i++) {
            long x = AllocationCounter.currentThread();
            zero = AllocationCounter.currentThread() - x;
        }
        assertThat(zero).as("bytes allocated by reading the counter").isZero();
    }

    static Stream<Arguments> backends() {
        return Stream.of(
                Arguments.of("epoll", (Opener) EpollSelector::open),
                Arguments.of("poll", (Opener) PollSelector::open),
                Arguments.of("select", (Opener) SelectSelector::open),
                Arguments.of("kqueue", (Opener) () -> {
                    KqueueAvailability.assumeAvailable(); // skipped, with the reason, without kqueue
                    return KqueueSelector.open();
                }),
                Arguments.of("Selector.open()", (Opener) Selector::open));
    }

    @FunctionalInterface
    interface Opener {
        Selector open() throws IOException;
    }

    /** Counts without boxing: the handler of the measured loop. */
    static final class Counter implements ReadyHandler {
        long calls;
        long events;

        @Override
        public void ready(SelectorKey key, int ev) {
            calls++;
            events += ev;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void selectWithAHandlerAllocatesNothingInSteadyState(String name, Opener opener) throws IOException {
        KqueueAvailability.warmUp(); // before the leak check counts: libkqueue keeps two descriptors of its own
        int fdsBefore = Fds.openCount();
        try (Selector sel = opener.open(); Fds fds = new Fds()) {
            // Ready: a readable eventfd, a writable socket, one both; idle: an empty pipe.
            sel.register(fds.eventfd(1), EVENT_READ, "readable");
            int[] sp = fds.socketpair();
            sel.register(sp[0], EVENT_WRITE, "writable");
            fds.write(sp[0], "x");
            sel.register(sp[1], EVENT_READ | EVENT_WRITE, "both");
            sel.register(fds.pipe()[0], EVENT_READ, "idle");

            Counter counter = new Counter();
            Duration zero = Duration.ZERO;
            Duration positive = Duration.ofMillis(5); // returns at once: files are ready
            // A select that blocks is ended by a wakeup; the wakeup path must not allocate either.

            for (int i = 0; i < WARMUP_CALLS; i++) {
                round(sel, counter, zero, positive, i);
            }
            List<Long> bytesPerRound = new ArrayList<>();
            long bytes = -1;
            long start = System.nanoTime();
            for (int r = 0; (r < MIN_ROUNDS || System.nanoTime() - start < MAX_NANOS) && bytes != 0; r++) {
                counter.calls = 0;
                long before = AllocationCounter.currentThread();
                for (int i = 0; i < CALLS_PER_ROUND; i++) {
                    round(sel, counter, zero, positive, i);
                }
                bytes = AllocationCounter.currentThread() - before;
                bytesPerRound.add(bytes);
                // 3 ready files per select, 3 selects per iteration
                assertThat(counter.calls).isEqualTo(3L * 3 * CALLS_PER_ROUND);
            }
            System.out.printf("[%s] bytes allocated per round of %d iterations: %s%n", name, CALLS_PER_ROUND, bytesPerRound);
            assertThat(bytes)
                    .as("bytes allocated by %d iterations after warm-up (rounds: %s)", CALLS_PER_ROUND, bytesPerRound)
                    .isZero();
        }
        assertThat(Fds.openCount()).as("open descriptors after the test (leak check)").isEqualTo(fdsBefore);
    }

    private static void round(Selector sel, Counter counter, Duration zero, Duration positive, int i)
            throws IOException {
        sel.select(zero, counter);
        sel.select(positive, counter);
        sel.wakeup();
        sel.select(null, counter);
    }
}
