package io.jselectors.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fixed-rate and fixed-delay timers: never early, on the grid, missed points skipped (never a burst),
 * spacing, cancelling from inside and from another thread, a throwing callback, and no allocation per
 * run. Timing assertions are lower bounds and orderings only: a loaded machine makes runs late, never
 * early.
 */
class RepeatingTimerTest {
    private static final long MS = 1_000_000;

    static List<String> backends() {
        return Backends.names();
    }

    /** One run: its deadline, and the loop's clock as the callback started and as it ended. */
    record Fire(long deadline, long start, long end) {}

    @Test
    void theNextDeadlineSkipsThePointsAlreadyPast() {
        RepeatingTimer rate = RepeatingTimer.atFixedRate(10);
        assertThat(rate.next(100, 105)).isEqualTo(110); // on time
        assertThat(rate.next(100, 109)).isEqualTo(110);
        assertThat(rate.next(100, 110)).isEqualTo(120); // the next point is now: it is past, skipped
        assertThat(rate.next(100, 135)).isEqualTo(140); // 110, 120, 130 skipped
        assertThat(rate.next(-5, 1_000_000_003)).isEqualTo(1_000_000_005);
        RepeatingTimer delay = RepeatingTimer.withFixedDelay(10);
        assertThat(delay.next(100, 105)).isEqualTo(115);
        assertThat(delay.next(100, 135)).isEqualTo(145);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void fixedRateRunsOnTheGridNeverEarly(String backend) throws Exception {
        try (EventLoop loop = Backends.loop(backend)) {
            List<Fire> fires = new ArrayList<>();
            TimerHandle[] h = new TimerHandle[1];
            long scheduled = loop.time();
            h[0] = loop.scheduleAtFixedRate(Duration.ofMillis(15), Duration.ofMillis(10), () -> {
                fires.add(new Fire(h[0].deadlineNanos(), loop.time(), 0));
                if (fires.size() == 8) {
                    h[0].cancel();
                    loop.stop();
                }
            });
            assertThat(h[0].isRepeating()).isTrue();
            loop.run();
            assertThat(fires).hasSize(8);
            long first = fires.get(0).deadline();
            assertThat(first).isGreaterThanOrEqualTo(scheduled + 15 * MS);
            long previous = Long.MIN_VALUE;
            for (Fire f : fires) {
                assertThat(f.start()).as("never early").isGreaterThanOrEqualTo(f.deadline());
                assertThat((f.deadline() - first) % (10 * MS)).as("on the grid first + n * period").isZero();
                assertThat(f.deadline()).as("one run per point").isGreaterThan(previous);
                previous = f.deadline();
            }
        }
    }

    @Test
    void fixedRateSkipsThePointsASlowRunCoveredInsteadOfRunningThemBackToBack() throws Exception {
        try (EventLoop loop = Backends.loop("poll")) {
            List<Fire> fires = new ArrayList<>();
            TimerHandle[] h = new TimerHandle[1];
            h[0] = loop.scheduleAtFixedRate(Duration.ZERO, Duration.ofMillis(10), () -> {
                long start = loop.time();
                if (fires.size() == 2) {
                    RepeatingTimerTest.sleep(55); // covers five or six points of the grid
                }
                fires.add(new Fire(h[0].deadlineNanos(), start, loop.time()));
                if (fires.size() == 6) {
                    h[0].cancel();
                    loop.stop();
                }
            });
            loop.run();
            Fire slow = fires.get(2);
            Fire after = fires.get(3);
            assertThat(after.deadline()).as("the next point after the slow run ended").isGreaterThan(slow.end());
            assertThat(after.deadline() - slow.deadline()).as("the points it covered were skipped")
                    .isGreaterThanOrEqualTo(60 * MS);
            assertThat((after.deadline() - fires.get(0).deadline()) % (10 * MS)).as("still on the grid").isZero();
            for (int i = 1; i < fires.size(); i++) {
                assertThat(fires.get(i).start()).as("never early").isGreaterThanOrEqualTo(fires.get(i).deadline());
                assertThat(fires.get(i).deadline() - fires.get(i - 1).deadline())
                        .as("never two runs for one point").isGreaterThanOrEqualTo(10 * MS);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void fixedDelayWaitsTheDelayAfterEachRunEnds(String backend) throws Exception {
        try (EventLoop loop = Backends.loop(backend)) {
            List<Fire> fires = new ArrayList<>();
            TimerHandle[] h = new TimerHandle[1];
            long scheduled = loop.time();
            h[0] = loop.scheduleWithFixedDelay(Duration.ofMillis(5), Duration.ofMillis(10), () -> {
                long start = loop.time();
                if (fires.size() % 2 == 1) {
                    RepeatingTimerTest.sleep(15); // a slow run shifts the next one
                }
                fires.add(new Fire(h[0].deadlineNanos(), start, loop.time()));
                if (fires.size() == 6) {
                    h[0].cancel();
                    loop.stop();
                }
            });
            loop.run();
            assertThat(fires.get(0).start()).isGreaterThanOrEqualTo(scheduled + 5 * MS);
            for (int i = 1; i < fires.size(); i++) {
                assertThat(fires.get(i).start() - fires.get(i - 1).end()).as("the delay after the run ended")
                        .isGreaterThanOrEqualTo(10 * MS);
                assertThat(fires.get(i).start()).isGreaterThanOrEqualTo(fires.get(i).deadline());
            }
        }
    }

    @Test
    void cancellingInsideTheCallbackMakesThatRunTheLast() throws Exception {
        try (EventLoop loop = Backends.loop("poll")) {
            AtomicInteger runs = new AtomicInteger();
            TimerHandle[] h = new TimerHandle[1];
            h[0] = loop.scheduleAtFixedRate(Duration.ZERO, Duration.ofMillis(2), () -> {
                if (runs.incrementAndGet() == 3) {
                    assertThat(h[0].hasFired()).isTrue();
                    assertThat(h[0].cancel()).isTrue();
                    assertThat(h[0].cancel()).isFalse();
                }
            });
            assertThat(loop.pendingTimers()).isEqualTo(1);
            Run.forAbout(loop, Duration.ofMillis(60));
            assertThat(runs).hasValue(3);
            assertThat(h[0].isCancelled()).isTrue();
            assertThat(h[0].hasFired()).isFalse();
            assertThat(loop.pendingTimers()).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void cancellingFromAnotherThreadStopsItAtOnce(String backend) throws Exception {
        EventLoop loop = Backends.loop(backend);
        try (LoopThread lt = new LoopThread(loop)) {
            AtomicInteger runs = new AtomicInteger();
            TimerHandle h = loop.scheduleAtFixedRate(Duration.ZERO, Duration.ofMillis(1), runs::incrementAndGet);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (runs.get() < 5 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertThat(runs.get()).as("runs within 20 s").isGreaterThanOrEqualTo(5);
            assertThat(h.cancel()).isTrue();
            int atCancel = runs.get();
            assertThat(loop.pendingTimers()).isZero();
            Thread.sleep(50);
            // A run under way as cancel() returned may finish; none starts after.
            assertThat(runs.get()).isLessThanOrEqualTo(atCancel + 1);
            assertThat(h.cancel()).isFalse();
        }
    }

    @Test
    void cancellingBeforeTheLoopRunsMeansItNeverRuns() throws Exception {
        try (EventLoop loop = Backends.loop("poll")) {
            AtomicInteger runs = new AtomicInteger();
            TimerHandle h = loop.scheduleWithFixedDelay(Duration.ZERO, Duration.ofMillis(1), runs::incrementAndGet);
            CompletableFuture.runAsync(() -> assertThat(h.cancel()).isTrue()).join();
            assertThat(loop.pendingTimers()).isZero();
            Run.forAbout(loop, Duration.ofMillis(20));
            assertThat(runs).hasValue(0);
        }
    }

    @Test
    void aCallbackThatThrowsIsReportedAndTheTimerGoesOn() throws Exception {
        try (EventLoop loop = Backends.loop("poll")) {
            List<String> reported = Collections.synchronizedList(new ArrayList<>());
            loop.setExceptionHandler((context, error) -> reported.add(
                    (context.startsWith("repeating timer callback ") ? "repeating timer callback" : context)
                            + ": " + error.getMessage()));
            AtomicInteger runs = new AtomicInteger();
            TimerHandle[] h = new TimerHandle[1];
            h[0] = loop.scheduleAtFixedRate(Duration.ZERO, Duration.ofMillis(2), () -> {
                if (runs.incrementAndGet() == 3) {
                    h[0].cancel();
                    loop.stop();
                }
                throw new IllegalStateException("tick " + runs.get());
            });
            loop.run();
            assertThat(reported).containsExactly("repeating timer callback: tick 1",
                    "repeating timer callback: tick 2", "repeating timer callback: tick 3");
        }
    }

    @Test
    void badPeriodsAndAClosedLoopAreRefused() throws Exception {
        EventLoop loop = Backends.loop("poll");
        assertThatThrownBy(() -> loop.scheduleAtFixedRate(Duration.ZERO, Duration.ZERO, () -> {}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("period must be positive");
        assertThatThrownBy(() -> loop.scheduleWithFixedDelay(Duration.ZERO, Duration.ofMillis(-1), () -> {}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delay must be positive");
        TimerHandle h = loop.scheduleAtFixedRate(Duration.ofDays(365_000), Duration.ofDays(365_000), () -> {});
        assertThat(h.deadlineNanos() - loop.time()).isPositive(); // saturated, no overflow
        loop.close();
        assertThat(h.cancel()).isFalse();
        assertThatThrownBy(() -> loop.scheduleAtFixedRate(Duration.ZERO, Duration.ofMillis(1), () -> {}))
                .isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void timeIsTheClockOfTheDeadlines() throws Exception {
        try (EventLoop loop = Backends.loop("poll")) {
            long before = loop.time();
            TimerHandle h = loop.schedule(Duration.ofMillis(50), () -> {});
            long after = loop.time();
            assertThat(h.deadlineNanos()).isBetween(before + 50 * MS, after + 50 * MS);
            assertThat(loop.time()).isGreaterThanOrEqualTo(after);
            h.cancel();
        }
    }

    /**
     * Runs put the same handle back into the heap: no allocation per run. A timer that keeps the loop
     * busy for 2 ms a run makes the 200 others all due each round, so what the round itself may cost (a
     * downcall's errno slice, when the JIT has not removed it; see {@link AllocProbe}) is spread over
     * them, and a single object per run (16 bytes or more) would still show.
     */
    @Test
    void runsAllocateNothing() throws Exception {
        Assumptions.assumeTrue(SteadyStateAllocationTest.canCountAllocations(),
                "this JVM cannot count a thread's allocated bytes");
        try (EventLoop loop = Backends.loop(Backends.names().get(0))) {
            int timers = 200;
            long warmup = 60_000;
            long measured = 100_000;
            long[] runs = {0};
            long[] bytes = new long[2];
            CompletableFuture<Void> done = new CompletableFuture<>();
            Runnable tick = () -> {
                long n = ++runs[0];
                if (n == warmup) {
                    bytes[0] = SteadyStateAllocationTest.allocatedBytes();
                } else if (n == warmup + measured) {
                    bytes[1] = SteadyStateAllocationTest.allocatedBytes();
                    done.complete(null);
                }
            };
            List<TimerHandle> handles = new ArrayList<>();
            handles.add(loop.scheduleAtFixedRate(Duration.ZERO, Duration.ofMillis(1), () -> {
                long end = System.nanoTime() + 2 * MS;
                while (System.nanoTime() - end < 0) {
                    Thread.onSpinWait();
                }
            }));
            for (int i = 0; i < timers; i++) {
                handles.add(loop.scheduleAtFixedRate(Duration.ZERO, Duration.ofMillis(1), tick));
            }
            Run.until(loop, done, Duration.ofSeconds(120));
            double perRun = (double) (bytes[1] - bytes[0]) / measured;
            System.out.printf("repeating timers: %.3f bytes allocated per run%n", perRun);
            // An object per run would be 16 bytes or more; a round's own cost, shared by 200 runs, far less.
            assertThat(perRun).as("bytes allocated per run").isLessThan(4.0);
            handles.forEach(TimerHandle::cancel);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
