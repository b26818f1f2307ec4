package io.jselectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.internal.os.Unistd;
import io.jselectors.net.NativeStream;
import io.jselectors.net.Pipe;
import io.jselectors.net.StreamSocket;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Every row of the readiness contract (shared/readiness-api.md), on virtual and platform threads. */
class ReadinessTest {
    private static final int R = Selector.EVENT_READ;
    private static final int W = Selector.EVENT_WRITE;
    private static final Duration LONG = Duration.ofSeconds(20);

    /** Runs an await on a new thread of the given kind; the future holds its result or exception. */
    private static Future<Integer> waitOn(boolean virtual, IoCall call) {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        Runnable r = () -> {
            try {
                f.complete(call.run());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        };
        if (virtual) {
            Thread.ofVirtual().name("readiness-test-vt").start(r);
        } else {
            Thread.ofPlatform().name("readiness-test-pt").daemon().start(r);
        }
        return f;
    }

    interface IoCall {
        int run() throws Exception;
    }

    private static Throwable failure(Future<?> f) throws Exception {
        try {
            f.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected a failure, got " + f.get());
    }

    /** Gives a started wait time to reach its park, so the test exercises the waiter, not the poll. */
    private static void letItPark() throws InterruptedException {
        Thread.sleep(100);
    }

    private static void fill(NativeStream s) throws IOException {
        ByteBuffer junk = ByteBuffer.allocateDirect(64 * 1024);
        while (s.write(junk.clear()) > 0) {
            // until the socket buffer is full
        }
    }

    @Test
    void virtualThreadParksAndFreesItsCarrier() throws Exception {
        // Far more waiting virtual threads than carriers: if a wait held its carrier, the last one could not run.
        int n = 4 * Runtime.getRuntime().availableProcessors() + 8;
        Pipe[] pipes = new Pipe[n];
        Future<?>[] waits = new Future<?>[n];
        try {
            for (int i = 0; i < n; i++) {
                Pipe p = pipes[i] = Pipe.open();
                waits[i] = waitOn(true, () -> Readiness.await(p.source(), R, LONG));
            }
            letItPark();
            CompletableFuture<Boolean> ran = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> ran.complete(true));
            assertThat(ran.get(10, TimeUnit.SECONDS)).as("another virtual thread ran while " + n + " wait").isTrue();
            for (Future<?> w : waits) {
                assertThat(w.isDone()).as("nothing is readable yet").isFalse();
            }
            for (Pipe p : pipes) {
                p.sink().write(ByteBuffer.wrap(new byte[] {1}));
            }
            for (Future<?> w : waits) {
                assertThat(w.get(10, TimeUnit.SECONDS)).isEqualTo(R);
            }
        } finally {
            for (Pipe p : pipes) {
                if (p != null) {
                    p.close();
                }
            }
        }
    }

    @Test
    void platformThreadBlocksUntilReady() throws Exception {
        try (Pipe p = Pipe.open()) {
            Future<Integer> w = waitOn(false, () -> Readiness.await(p.source().fileno(), R, LONG));
            letItPark();
            assertThat(w.isDone()).isFalse();
            p.sink().write(ByteBuffer.wrap(new byte[] {1}));
            assertThat(w.get(10, TimeUnit.SECONDS)).isEqualTo(R);
        }
    }

    @Test
    void readyFdReturnsAtOnceEvenWithZeroTimeout() throws Exception {
        try (Pipe p = Pipe.open()) {
            assertThat(Readiness.await(p.sink(), W, Duration.ZERO)).isEqualTo(W);
            assertThat(Readiness.await(p.source(), R, Duration.ZERO)).as("nothing written yet").isZero();
            assertThat(Readiness.await(p.source(), R, Duration.ofMillis(-5))).isZero();
            p.sink().write(ByteBuffer.wrap(new byte[] {1}));
            assertThat(Readiness.await(p.source(), R | W, Duration.ZERO)).isEqualTo(R);
            assertThat(Readiness.await(p.source(), R, null)).isEqualTo(R);
            assertThat(waitOn(true, () -> Readiness.await(p.source(), R, null)).get(10, TimeUnit.SECONDS)).isEqualTo(R);
        }
    }

    @Test
    void readerAndWriterOnOneFdEachReturnForTheirOwnEvent() throws Exception {
        for (boolean virtual : new boolean[] {true, false}) {
            StreamSocket[] pair = StreamSocket.pair();
            try (StreamSocket a = pair[0]; StreamSocket b = pair[1]) {
                fill(a);
                Future<Integer> reader = waitOn(virtual, () -> Readiness.await(a, R, LONG));
                Future<Integer> writer = waitOn(virtual, () -> Readiness.await(a, W, LONG));
                letItPark();
                assertThat(reader.isDone()).isFalse();
                assertThat(writer.isDone()).isFalse();
                b.write(ByteBuffer.wrap(new byte[] {7}));
                assertThat(reader.get(10, TimeUnit.SECONDS)).isEqualTo(R);
                letItPark();
                assertThat(writer.isDone()).as("the buffer is still full").isFalse();
                ByteBuffer sink = ByteBuffer.allocateDirect(1 << 20);
                while (b.read(sink.clear()) > 0) {
                    // drain what a wrote
                }
                assertThat(writer.get(10, TimeUnit.SECONDS)).isEqualTo(W);
            }
        }
    }

    @Test
    void hangUpIsReadinessForWhatWasAsked() throws Exception {
        for (boolean virtual : new boolean[] {true, false}) {
            Pipe p = Pipe.open();
            try (NativeStream src = p.source()) {
                Future<Integer> reader = waitOn(virtual, () -> Readiness.await(src, R, LONG));
                letItPark();
                p.sink().close();
                assertThat(reader.get(10, TimeUnit.SECONDS)).isEqualTo(R);
            }
            StreamSocket[] pair = StreamSocket.pair();
            try (StreamSocket a = pair[0]) {
                fill(a);
                Future<Integer> writer = waitOn(virtual, () -> Readiness.await(a, W, LONG));
                letItPark();
                pair[1].close();
                assertThat(writer.get(10, TimeUnit.SECONDS)).isEqualTo(W);
            }
        }
    }

    @Test
    void invalidArgumentsAreRefused() throws Exception {
        try (Pipe p = Pipe.open()) {
            int fd = p.source().fileno();
            assertThatThrownBy(() -> Readiness.await(fd, 0, null)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Readiness.await(fd, 4, null)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Readiness.await(fd, R | 8, null)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Readiness.await(-1, R, null)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Readiness.await(p.source(), 0, null)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void closedSelectableIsClosedChannelException() throws Exception {
        Pipe p = Pipe.open();
        p.close();
        assertThatThrownBy(() -> Readiness.await(p.source(), R, null)).isInstanceOf(ClosedChannelException.class);
        Selectable closed = () -> -1;
        assertThatThrownBy(() -> Readiness.await(closed, W, Duration.ZERO)).isInstanceOf(ClosedChannelException.class);
    }

    @Test
    void closeByAnotherThreadWakesTheWaiter() throws Exception {
        for (boolean virtual : new boolean[] {true, false}) {
            Pipe p = Pipe.open();
            try {
                Future<Integer> w = waitOn(virtual, () -> Readiness.await(p.source(), R, LONG));
                letItPark();
                assertThat(w.isDone()).isFalse();
                p.source().close();
                assertThat(failure(w)).isInstanceOf(AsynchronousCloseException.class);
            } finally {
                p.close();
            }
            StreamSocket[] pair = StreamSocket.pair();
            try (StreamSocket b = pair[1]) {
                StreamSocket a = pair[0];
                Future<Integer> w = waitOn(virtual, () -> Readiness.await(a, R, LONG));
                letItPark();
                a.abort();
                assertThat(failure(w)).isInstanceOf(AsynchronousCloseException.class);
            }
        }
    }

    @Test
    void closeWakesOnlyTheClosedFilesWaiters() throws Exception {
        try (Pipe p = Pipe.open(); Pipe q = Pipe.open()) {
            Future<Integer> other = waitOn(true, () -> Readiness.await(q.source(), R, LONG));
            Future<Integer> w = waitOn(true, () -> Readiness.await(p.source(), R, LONG));
            letItPark();
            p.source().close();
            assertThat(failure(w)).isInstanceOf(AsynchronousCloseException.class);
            assertThat(other.isDone()).isFalse();
            q.sink().write(ByteBuffer.wrap(new byte[] {1}));
            assertThat(other.get(10, TimeUnit.SECONDS)).isEqualTo(R);
        }
    }

    @Test
    void aNewFileWithTheClosedOnesNumberIsWaitedOnAfresh() throws Exception {
        // Close a waited-on pipe end and at once wait on a new pipe that reuses its number: the waiter may
        // see the close and the new wait in one batch, and must still register the new file.
        for (int i = 0; i < 200; i++) {
            Pipe old = Pipe.open();
            Future<Integer> first = waitOn(true, () -> Readiness.await(old.source(), R, LONG));
            if (i % 2 == 0) {
                letItParkBriefly();
            }
            int number = old.source().fileno();
            old.source().close();
            try (Pipe fresh = Pipe.open()) {
                Future<Integer> second = waitOn(true, () -> Readiness.await(fresh.source(), R, LONG));
                fresh.sink().write(ByteBuffer.wrap(new byte[] {1}));
                assertThat(second.get(10, TimeUnit.SECONDS)).as("iteration " + i + ", fd " + number + " reused: "
                        + (fresh.source().fileno() == number)).isEqualTo(R);
            } finally {
                old.close();
            }
            try {
                first.get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                // AsynchronousCloseException when it was waiting, ClosedChannelException when it came too late
                assertThat(e.getCause()).isInstanceOf(ClosedChannelException.class);
            }
        }
    }

    /**
     * A file closed by another thread between Readiness's fileno() and its first poll gets what a closed
     * file gets, ClosedChannelException, not the poll's EBADF (seen once under load in the test above).
     */
    @Test
    void aFileClosedJustAfterItsNumberWasReadIsClosedNotEbadf() {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        Selectable closing = () -> calls.getAndIncrement() == 0 ? 1_000_000 : -1; // no such fd is open
        assertThatThrownBy(() -> Readiness.await(closing, R, LONG)).isInstanceOf(ClosedChannelException.class)
                .hasCauseInstanceOf(ErrnoException.class);
    }

    private static void letItParkBriefly() throws InterruptedException {
        Thread.sleep(2);
    }

    @Test
    void interruptBeforeOrDuringTheWaitKeepsTheStatus() throws Exception {
        for (boolean virtual : new boolean[] {true, false}) {
            try (Pipe p = Pipe.open()) {
                AtomicBoolean stillInterrupted = new AtomicBoolean();
                Future<Integer> before = waitOn(virtual, () -> {
                    Thread.currentThread().interrupt();
                    try {
                        return Readiness.await(p.source(), R, LONG);
                    } finally {
                        stillInterrupted.set(Thread.currentThread().isInterrupted());
                    }
                });
                assertThat(failure(before)).isInstanceOf(InterruptedIOException.class);
                assertThat(stillInterrupted).isTrue();

                stillInterrupted.set(false);
                CompletableFuture<Thread> self = new CompletableFuture<>();
                Future<Integer> during = waitOn(virtual, () -> {
                    self.complete(Thread.currentThread());
                    try {
                        return Readiness.await(p.source(), R, LONG);
                    } finally {
                        stillInterrupted.set(Thread.currentThread().isInterrupted());
                    }
                });
                Thread t = self.get(10, TimeUnit.SECONDS);
                letItPark();
                assertThat(during.isDone()).isFalse();
                t.interrupt();
                assertThat(failure(during)).isInstanceOf(InterruptedIOException.class);
                assertThat(stillInterrupted).isTrue();
                // The record of the interrupted wait is released: the next wait on this fd works.
                p.sink().write(ByteBuffer.wrap(new byte[] {1}));
                assertThat(waitOn(virtual, () -> Readiness.await(p.source(), R, LONG)).get(10, TimeUnit.SECONDS))
                        .isEqualTo(R);
            }
        }
    }

    @Test
    void invalidOrClosedIntFdIsEbadfAtOnce() throws Exception {
        Pipe p = Pipe.open();
        int fd = p.source().fileno();
        p.close();
        for (int bad : new int[] {fd, 1_000_000}) {
            for (Duration t : new Duration[] {null, Duration.ZERO, LONG}) {
                Throwable e = failure(waitOn(true, () -> Readiness.await(bad, R, t)));
                assertThat(e).isInstanceOf(ErrnoException.class);
                assertThat(((ErrnoException) e).errno()).isEqualTo(io.jselectors.internal.os.Errno.EBADF);
                assertThat(e.getMessage()).contains("fd=" + bad).contains("EBADF");
            }
        }
    }

    @Test
    void timeoutReturnsZeroNoEarlierThanTheTimeout() throws Exception {
        for (boolean virtual : new boolean[] {true, false}) {
            try (Pipe p = Pipe.open()) {
                for (long ms : new long[] {1, 30, 120}) {
                    Future<Integer> w = waitOn(virtual, () -> {
                        long t0 = System.nanoTime();
                        int r = Readiness.await(p.source(), R, Duration.ofMillis(ms));
                        long took = System.nanoTime() - t0;
                        if (took < ms * 1_000_000) {
                            throw new AssertionError("returned after " + took + " ns, before the " + ms + " ms timeout");
                        }
                        return r;
                    });
                    assertThat(w.get(10, TimeUnit.SECONDS)).isZero();
                }
                // Timed-out waits are released: the fd still works for the next waiter.
                Future<Integer> w = waitOn(virtual, () -> Readiness.await(p.source(), R, LONG));
                letItPark();
                p.sink().write(ByteBuffer.wrap(new byte[] {1}));
                assertThat(w.get(10, TimeUnit.SECONDS)).isEqualTo(R);
            }
        }
    }

    @Test
    void waiterThreadIsANamedDaemon() throws Exception {
        try (Pipe p = Pipe.open()) {
            Readiness.await(p.source(), R, Duration.ofMillis(5)); // goes through the waiter
        }
        Thread waiter = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("jselectors-readiness-waiter"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no thread named jselectors-readiness-waiter"));
        assertThat(waiter.isDaemon()).isTrue();
        assertThat(waiter.isVirtual()).isFalse();
    }

    @Test
    void aWaitAllocatesNothingOnThePlatformThreadInSteadyState() throws Exception {
        StreamSocket[] pair = StreamSocket.pair();
        try (StreamSocket a = pair[0]; StreamSocket b = pair[1]) {
            // b echoes each byte back after a's thread has started waiting for it.
            CountDownLatch done = new CountDownLatch(1);
            Thread echo = Thread.ofPlatform().daemon().start(() -> {
                ByteBuffer one = ByteBuffer.allocateDirect(1);
                try {
                    while (Readiness.await(b, R, null) != 0 && b.read(one.clear()) > 0) {
                        Thread.sleep(0, 20_000);
                        b.write(one.flip());
                    }
                } catch (Exception e) {
                    // closed at the end of the test
                } finally {
                    done.countDown();
                }
            });
            // The bare bindings on one native byte: only the wait itself is measured, not the stream's slicing.
            MemorySegment one = Arena.ofAuto().allocate(1);
            int fd = a.fileno();
            int waits = 2000;
            // Rounds until one is clean: C2 may compile the path late on a loaded machine.
            java.util.List<Long> perRound = new java.util.ArrayList<>();
            long allocated = Long.MAX_VALUE;
            for (int round = 0; round < 25 && allocated >= waits; round++) {
                long before = AllocationCounter.currentThread();
                for (int i = 0; i < waits; i++) {
                    Unistd.write(fd, one);
                    if (Readiness.await(a, R, LONG) != R || Unistd.read(fd, one) != 1) {
                        throw new AssertionError("wait " + i + " did not echo");
                    }
                }
                allocated = AllocationCounter.currentThread() - before;
                perRound.add(allocated);
            }
            System.out.println("[readiness] bytes allocated per round of " + waits + " waits: " + perRound);
            assertThat(allocated).as("bytes allocated by " + waits + " waits after warm-up, rounds: " + perRound)
                    .isLessThan(waits);
            a.shutdownOutput();
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            echo.join();
        }
    }
}
