package io.jselectors.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.Selectable;
import io.jselectors.internal.os.Unistd;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The loop core on every backend: readers, writers, tasks, timers, errors, stop and close. No sockets. */
class EventLoopTest {
    static List<String> backends() {
        return Backends.names();
    }

    /** A non-blocking pipe whose ends close with the test. */
    static final class TestPipe implements AutoCloseable {
        final Arena arena = Arena.ofShared();
        final int readFd;
        final int writeFd;
        final MemorySegment buf = arena.allocate(256);

        TestPipe() throws java.io.IOException {
            MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, 2);
            Unistd.pipe2(fds, Unistd.O_NONBLOCK | Unistd.O_CLOEXEC);
            readFd = fds.getAtIndex(ValueLayout.JAVA_INT, 0);
            writeFd = fds.getAtIndex(ValueLayout.JAVA_INT, 1);
        }

        void send(int n) throws Exception {
            Unistd.write(writeFd, buf.asSlice(0, n));
        }

        long drain() throws Exception {
            long total = 0;
            long n;
            while ((n = Unistd.read(readFd, buf)) > 0) {
                total += n;
            }
            return total;
        }

        @Override
        public void close() throws java.io.IOException {
            Unistd.close(readFd);
            Unistd.close(writeFd);
            arena.close();
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void readerRunsWhenReadableAndStopsWhenRemoved(String backend) throws Exception {
        int fdsBefore = FdCount.now();
        try (EventLoop loop = Backends.loop(backend); TestPipe pipe = new TestPipe()) {
            AtomicLong got = new AtomicLong();
            AtomicInteger calls = new AtomicInteger();
            loop.addReader(pipe.readFd, () -> {
                calls.incrementAndGet();
                try {
                    got.addAndGet(pipe.drain());
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
                if (got.get() >= 30) {
                    loop.stop();
                }
            });
            pipe.send(10);
            loop.schedule(Duration.ofMillis(20), () -> {
                try {
                    pipe.send(20);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            loop.schedule(Duration.ofSeconds(5), loop::stop); // guard
            loop.run();
            assertThat(got.get()).isEqualTo(30);
            assertThat(calls.get()).isEqualTo(2);
            assertThat(loop.removeReader(pipe.readFd)).isTrue();
            assertThat(loop.removeReader(pipe.readFd)).isFalse();
            // Readable again, but no reader: a zero-wait round calls nothing.
            pipe.send(5);
            loop.stop();
            loop.run();
            assertThat(calls.get()).isEqualTo(2);
        }
        if (fdsBefore >= 0) {
            assertThat(FdCount.now()).isEqualTo(fdsBefore);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void readerAndWriterShareOneRegistration(String backend) throws Exception {
        try (EventLoop loop = Backends.loop(backend); TestPipe pipe = new TestPipe()) {
            Selectable sink = () -> pipe.writeFd;
            AtomicInteger writes = new AtomicInteger();
            AtomicInteger reads = new AtomicInteger();
            loop.addWriter(sink, () -> {
                if (writes.incrementAndGet() == 3) {
                    try {
                        assertThat(loop.removeWriter(sink)).isTrue();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }
            });
            loop.addReader(pipe.readFd, () -> {
                reads.incrementAndGet();
                loop.stop();
            });
            assertThat(loop.registeredFiles()).isEqualTo(2);
            loop.schedule(Duration.ofMillis(30), () -> {
                try {
                    pipe.send(1);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            loop.run();
            assertThat(writes.get()).isEqualTo(3);
            assertThat(reads.get()).isEqualTo(1);
            assertThat(loop.removeWriter(sink)).isFalse();
            assertThat(loop.removeReader(pipe.readFd)).isTrue();
            assertThat(loop.registeredFiles()).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void executeFromAnotherThreadWakesABlockedLoopAndKeepsOrder(String backend) throws Exception {
        try (EventLoop loop = Backends.loop(backend); LoopThread lt = new LoopThread(loop)) {
            // Let the loop block in select with nothing to do.
            Thread.sleep(50);
            assertThat(lt.thread.isAlive()).isTrue();
            long itersBefore = loop.iterations();
            List<Integer> order = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch done = new CountDownLatch(1);
            long t0 = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
                int n = i;
                loop.execute(() -> {
                    assertThat(loop.inLoopThread()).isTrue();
                    order.add(n);
                    if (n == 999) {
                        done.countDown();
                    }
                });
            }
            assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(2));
            assertThat(order).hasSize(1000);
            for (int i = 0; i < 1000; i++) {
                assertThat(order.get(i)).isEqualTo(i);
            }
            assertThat(loop.inLoopThread()).isFalse();
            // 1000 tasks need only a few rounds: wakeups are coalesced.
            assertThat(loop.iterations() - itersBefore).isLessThan(1000);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void taskQueuedByATaskRunsInTheNextRound(String backend) throws Exception {
        try (EventLoop loop = Backends.loop(backend)) {
            AtomicInteger runs = new AtomicInteger();
            Runnable[] self = new Runnable[1];
            self[0] = () -> {
                if (runs.incrementAndGet() < 100) {
                    loop.execute(self[0]);
                } else {
                    loop.stop();
                }
            };
            loop.execute(self[0]);
            long before = loop.iterations();
            loop.run();
            assertThat(runs.get()).isEqualTo(100);
            assertThat(loop.iterations() - before).isGreaterThanOrEqualTo(100);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void timersFireInDeadlineOrderNeverEarly(String backend) throws Exception {
        try (EventLoop loop = Backends.loop(backend)) {
            List<String> fired = new ArrayList<>();
            long[] t0 = new long[1];
            long[] at = new long[3];
            // The callbacks exist before the first schedule: creating a lambda the first time can take
            // tens of ms on a cold, loaded JVM, which would put "20" after "60" by its deadline.
            Runnable at60 = () -> {
                at[2] = System.nanoTime() - t0[0];
                fired.add("60");
                loop.stop();
            };
            Runnable at20 = () -> {
                at[0] = System.nanoTime() - t0[0];
                fired.add("20");
            };
            Runnable at40 = () -> {
                at[1] = System.nanoTime() - t0[0];
                fired.add("40");
            };
            Runnable at40b = () -> fired.add("40b");
            t0[0] = System.nanoTime();
            loop.schedule(Duration.ofMillis(60), at60);
            loop.schedule(Duration.ofMillis(20), at20);
            loop.schedule(Duration.ofMillis(40), at40);
            loop.schedule(Duration.ofMillis(40), at40b); // same deadline: FIFO
            loop.run();
            assertThat(fired).containsExactly("20", "40", "40b", "60");
            assertThat(at[0]).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(20));
            assertThat(at[1]).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(40));
            assertThat(at[2]).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(60));
            assertThat(at[2]).isLessThan(TimeUnit.SECONDS.toNanos(2));
            assertThat(loop.pendingTimers()).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void loopDoesNotSpinWhileWaitingForATimer(String backend) throws Exception {
        try (EventLoop loop = Backends.loop(backend)) {
            // Deadlines with sub-millisecond parts: a loop that rounds down would wake early and spin.
            for (long micros : new long[] {300, 1500, 30_700, 100_250}) {
                long before = loop.iterations();
                loop.schedule(Duration.ofNanos(micros * 1000), loop::stop);
                loop.run();
                assertThat(loop.iterations() - before)
                        .as("rounds to reach a timer %d µs away", micros)
                        .isLessThanOrEqualTo(5);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void cancelIsIdempotentAndRemovesTheTimer(String backend) throws Exception {
        try (EventLoop loop = Backends.loop(backend)) {
            AtomicInteger ran = new AtomicInteger();
            AtomicReference<TimerHandle> fromOutside = new AtomicReference<>();
            loop.execute(() -> {
                TimerHandle a = loop.schedule(Duration.ofMillis(10), ran::incrementAndGet);
                assertThat(loop.pendingTimers()).isEqualTo(1);
                assertThat(a.cancel()).isTrue();
                assertThat(a.cancel()).isFalse();
                assertThat(a.isCancelled()).isTrue();
                assertThat(loop.pendingTimers()).isZero(); // removed at once, not at its deadline
                TimerHandle b = loop.schedule(Duration.ZERO, ran::incrementAndGet);
                loop.schedule(Duration.ofMillis(30), () -> {
                    assertThat(b.hasFired()).isTrue();
                    assertThat(b.cancel()).isFalse(); // cancelling a fired timer does nothing
                    loop.stop();
                });
            });
            // Cancelled from another thread before the loop ever ran it.
            TimerHandle c = loop.schedule(Duration.ofMillis(5), ran::incrementAndGet);
            assertThat(c.cancel()).isTrue();
            assertThat(c.cancel()).isFalse();
            fromOutside.set(c);
            loop.run();
            assertThat(ran.get()).isEqualTo(1); // only b
            assertThat(fromOutside.get().hasFired()).isFalse();
            assertThat(loop.pendingTimers()).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void callbackExceptionsAreReportedAndTheLoopGoesOn(String backend) throws Exception {
        try (EventLoop loop = Backends.loop(backend); TestPipe pipe = new TestPipe()) {
            List<String> reported = Collections.synchronizedList(new ArrayList<>());
            loop.setExceptionHandler((context, error) -> reported.add(context.split(" ")[0] + ":" + error.getMessage()));
            AtomicInteger readerCalls = new AtomicInteger();
            loop.addReader(pipe.readFd, () -> {
                readerCalls.incrementAndGet();
                try {
                    pipe.drain();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
                throw new IllegalStateException("reader boom");
            });
            pipe.send(1);
            loop.execute(() -> {
                throw new IllegalArgumentException("task boom");
            });
            loop.schedule(Duration.ofMillis(5), () -> {
                throw new UnsupportedOperationException("timer boom");
            });
            loop.schedule(Duration.ofMillis(10), () -> {
                throw new StackOverflowError("deep");
            });
            loop.schedule(Duration.ofMillis(15), () -> {
                // A throwing handler is itself contained.
                loop.setExceptionHandler((c, e) -> {
                    throw new RuntimeException("handler boom");
                });
                throw new RuntimeException("x");
            });
            loop.schedule(Duration.ofMillis(20), () -> {
                loop.setExceptionHandler(null); // back to logging
                throw new RuntimeException("logged, not thrown (expected in the test output)");
            });
            loop.schedule(Duration.ofMillis(40), loop::stop);
            loop.run();
            assertThat(reported).containsExactlyInAnyOrder(
                    "reader:reader boom", "task:task boom", "timer:timer boom", "timer:deep");
            assertThat(readerCalls.get()).isEqualTo(1);
            loop.removeReader(pipe.readFd);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void closedLoopRejectsWorkAndIgnoresStopCloseCancel(String backend) throws Exception {
        int fdsBefore = FdCount.now();
        EventLoop loop = Backends.loop(backend);
        AtomicInteger ran = new AtomicInteger();
        TimerHandle t = loop.schedule(Duration.ofMillis(1), ran::incrementAndGet);
        loop.execute(ran::incrementAndGet);
        loop.close();
        assertThat(loop.isClosed()).isTrue();
        assertThatThrownBy(() -> loop.execute(ran::incrementAndGet)).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> loop.schedule(Duration.ZERO, ran::incrementAndGet))
                .isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(loop::run).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> loop.addReader(0, ran::incrementAndGet)).isInstanceOf(IllegalStateException.class);
        loop.stop();
        loop.close();
        t.cancel();
        t.cancel();
        assertThat(ran.get()).isZero(); // queued work was dropped, not run
        if (fdsBefore >= 0) {
            assertThat(FdCount.now()).isEqualTo(fdsBefore);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void closeFromAnotherThreadStopsAndClosesTheRunningLoop(String backend) throws Exception {
        int fdsBefore = FdCount.now();
        EventLoop loop = Backends.loop(backend);
        LoopThread lt = new LoopThread(loop);
        while (!loop.isRunning()) {
            Thread.onSpinWait();
        }
        loop.close(); // waits for run() to return
        assertThat(loop.isClosed()).isTrue();
        lt.thread.join(5000);
        assertThat(lt.thread.isAlive()).isFalse();
        assertThat(lt.failure.get()).isNull();
        if (fdsBefore >= 0) {
            assertThat(FdCount.now()).isEqualTo(fdsBefore);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void closeFromACallbackTakesEffectWhenRunReturns(String backend) throws Exception {
        EventLoop loop = Backends.loop(backend);
        AtomicInteger after = new AtomicInteger();
        loop.schedule(Duration.ofMillis(5), () -> {
            loop.close();
            assertThat(loop.isClosed()).isFalse(); // still running this callback
        });
        loop.schedule(Duration.ofSeconds(10), after::incrementAndGet);
        loop.run();
        assertThat(loop.isClosed()).isTrue();
        assertThat(after.get()).isZero();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void stopBeforeRunMakesOneRoundAndLoopCanRunAgain(String backend) throws Exception {
        try (EventLoop loop = Backends.loop(backend)) {
            AtomicInteger ran = new AtomicInteger();
            loop.execute(ran::incrementAndGet);
            loop.stop();
            long t0 = System.nanoTime();
            loop.run();
            assertThat(ran.get()).isEqualTo(1);
            assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(2));
            loop.schedule(Duration.ofMillis(1), loop::stop);
            loop.run();
            assertThat(loop.isRunning()).isFalse();
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void loopThreadOnlyMethodsRefuseOtherThreadsWhileRunning(String backend) throws Exception {
        try (EventLoop loop = Backends.loop(backend); LoopThread lt = new LoopThread(loop); TestPipe pipe = new TestPipe()) {
            while (!loop.isRunning()) {
                assertThat(lt.thread.isAlive()).isTrue();
                Thread.onSpinWait();
            }
            assertThatThrownBy(() -> loop.addReader(pipe.readFd, () -> {}))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("execute");
            assertThatThrownBy(loop::run).isInstanceOf(IllegalStateException.class).hasMessageContaining("already running");
            CountDownLatch added = new CountDownLatch(1);
            loop.execute(() -> {
                try {
                    loop.addReader(pipe.readFd, () -> {});
                    loop.removeReader(pipe.readFd);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
                added.countDown();
            });
            assertThat(added.await(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void readerOfAClosedSelectableCanStillBeRemoved(String backend) throws Exception {
        try (EventLoop loop = Backends.loop(backend)) {
            TestPipe pipe = new TestPipe();
            int[] fd = {pipe.readFd};
            Selectable file = () -> fd[0];
            loop.addReader(file, () -> {});
            pipe.close();
            fd[0] = -1;
            assertThat(loop.removeReader(file)).isTrue();
            assertThat(loop.registeredFiles()).isZero();
        }
    }
}
