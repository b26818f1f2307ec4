package io.jselectors.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.ErrnoException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The loop's futures: {@link Transport#closed()} and {@link Server#closed()} in every way a connection or
 * server ends, {@link EventLoop#runUntil} (its value, its failures, completion on another thread, stop,
 * close), and {@link EventLoop#connect}'s future when it is cancelled while the connection comes up.
 */
class LoopFuturesTest {
    /** No callback throws and no descriptor stays open, in every test. */
    @RegisterExtension
    final LoopChecks checks = new LoopChecks();

    private EventLoop open(String backend) throws IOException {
        return checks.open(backend);
    }

    static List<Arguments> cases() {
        return Families.all();
    }

    static List<String> backends() {
        return Backends.names();
    }


    /** A server with one connection to it, both ends up: the client's transport and both protocols. */
    record Connected(Server server, Transport transport, Recorder client, Recorder peer) {}

    static Connected connect(EventLoop loop, String family) throws IOException {
        Recorder[] srv = new Recorder[1];
        Server server = loop.createServer(Families.listenAddress(family), () -> srv[0] = new Recorder());
        Recorder client = new Recorder();
        Transport t = loop.runUntil(loop.connect(server.localAddress(), client, Duration.ofSeconds(5)));
        Run.until(loop, () -> srv[0] != null && srv[0].transport != null, Duration.ofSeconds(5));
        return new Connected(server, t, client, srv[0]);
    }

    /** @return the failure of a done future, or null if it completed normally */
    static Throwable failureOf(CompletableFuture<?> f) {
        assertThat(f).isDone();
        return f.handle((v, e) -> e instanceof CompletionException ce ? ce.getCause() : e).join();
    }

    /** Records, when the closed future completes, whether connectionLost had run and on which thread. */
    static List<String> watch(EventLoop loop, Transport t, Recorder r) {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        t.closed().whenComplete((v, e) -> seen.add("lost before: " + r.lost.isDone() + ", loop thread: "
                + loop.inLoopThread() + ", released: " + (((StreamTransport) t).state() == StreamTransport.State.RELEASED)));
        return seen;
    }

    private static final String AFTER_LOST = "lost before: true, loop thread: true, released: true";

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void cleanClosesCompleteNormallyOnBothSides(String backend, String family) throws Exception {
        try (EventLoop loop = open(backend)) {
            Connected c = connect(loop, family);
            Transport t = c.transport();
            List<String> clientSeen = watch(loop, t, c.client());
            List<String> serverSeen = watch(loop, c.peer().transport, c.peer());
            assertThat(t.closed()).isNotDone();

            t.write("bye".getBytes(StandardCharsets.US_ASCII));
            t.close();
            assertThat(loop.runUntil(t.closed())).isNull();
            assertThat(loop.runUntil(c.peer().transport.closed())).isNull(); // the peer's orderly close
            assertThat(clientSeen).containsExactly(AFTER_LOST);
            assertThat(serverSeen).containsExactly(AFTER_LOST);
            assertThat(c.peer().received.toString(StandardCharsets.US_ASCII)).isEqualTo("bye");
            assertThat(t.closed()).isSameAs(t.closed());
            c.server().close();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void abortCompletesNormallyAndThePeerSeesTheReset(String backend, String family) throws Exception {
        try (EventLoop loop = open(backend)) {
            Connected c = connect(loop, family);
            Transport t = c.transport();
            Transport peer = c.peer().transport;
            t.abort();
            assertThat(loop.runUntil(t.closed())).isNull();
            Run.until(loop, peer.closed().handle((v, e) -> null));
            Throwable cause = failureOf(peer.closed());
            if (family.equals("unix")) {
                assertThat(cause).as("a Unix socket has no reset: its peer sees end of stream").isNull();
            } else if (Backends.consumesSocketErrors(backend)) {
                // libkqueue divergence (see TransportTest): the reset may read as a plain end of stream.
                assertThat(cause).satisfiesAnyOf(x -> assertThat(x).isNull(), x -> assertThat(x).isInstanceOf(ErrnoException.class));
            } else {
                assertThat(cause).isInstanceOf(ErrnoException.class);
                assertThat(((ErrnoException) cause).errnoName()).isEqualTo("ECONNRESET");
                assertThat(c.peer().lost.join()).isSameAs(cause);
                assertThatThrownBy(() -> loop.runUntil(peer.closed()))
                        .isInstanceOf(CompletionException.class).hasCause(cause);
            }
            c.server().close();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void closingTheLoopFailsEveryEndFutureWithTheLoopClosedError(String backend, String family) throws Exception {
        Connected c;
        try (EventLoop loop = open(backend)) {
            c = connect(loop, family);
        }
        for (CompletableFuture<Void> f : List.of(c.transport().closed(), c.peer().transport.closed(), c.server().closed())) {
            assertThat(failureOf(f)).isInstanceOf(IOException.class).hasMessage("the event loop was closed");
        }
        assertThat(failureOf(c.transport().closed())).isSameAs(c.client().lost.join());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aProtocolThatThrowsFailsTheFutureWithWhatItThrew(String backend) throws Exception {
        try (EventLoop loop = Backends.loop(backend)) {
            List<String> reported = Collections.synchronizedList(new ArrayList<>());
            loop.setExceptionHandler((context, error) -> reported.add(error.getMessage()));
            Server server = loop.createServer(Families.listenAddress("tcp4"), Recorder::new);
            Recorder client = new Recorder() {
                @Override
                public void connectionMade(Transport t) {
                    super.connectionMade(t);
                    throw new IllegalStateException("made boom");
                }
            };
            // The connect still completes with the transport: connectionMade has returned (by throwing),
            // and the transport is already ending with what it threw.
            Transport t = loop.runUntil(loop.connect(server.localAddress(), client, Duration.ofSeconds(5)));
            assertThat(t.isClosing()).isTrue();
            assertThatThrownBy(() -> loop.runUntil(t.closed()))
                    .isInstanceOf(CompletionException.class)
                    .cause().isInstanceOf(IllegalStateException.class).hasMessage("made boom");
            assertThat(reported).containsExactly("made boom");
            server.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void serverClosedCompletesNormallyOnCloseFromAnyThread(String backend) throws Exception {
        try (EventLoop loop = open(backend)) {
            Server here = loop.createServer(Families.listenAddress("tcp4"), Recorder::new);
            here.close();
            assertThat(here.closed()).isCompleted(); // not running: closed at once
            assertThat(here.closed().join()).isNull();

            Server there = loop.createServer(Families.listenAddress("tcp4"), Recorder::new);
            Recorder client = new Recorder();
            Transport t = loop.runUntil(loop.connect(there.localAddress(), client, Duration.ofSeconds(5)));
            CompletableFuture<Void> closedFromThread = CompletableFuture.runAsync(() -> {
                sleep(30); // the loop is blocked in its wait by then
                there.close();
            });
            assertThat(loop.runUntil(there.closed())).isNull();
            closedFromThread.join();
            assertThat(there.isServing()).isFalse();
            assertThat(t.closed()).as("connections stay open when their server closes").isNotDone();
            t.close();
            loop.runUntil(t.closed());
        }
    }

    @Test
    void theEndFuturesCannotBeCompletedOrCancelledByHand() throws Exception {
        try (EventLoop loop = open("poll")) {
            Server server = loop.createServer(Families.listenAddress("tcp4"), Recorder::new);
            CompletableFuture<Void> f = server.closed();
            assertThatThrownBy(() -> f.complete(null)).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("completes when the server ends");
            assertThatThrownBy(() -> f.completeExceptionally(new IOException("x")))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> f.obtrudeValue(null)).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> f.obtrudeException(new IOException("x")))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> f.completeAsync(() -> null)).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> f.orTimeout(1, TimeUnit.MILLISECONDS))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> f.completeOnTimeout(null, 1, TimeUnit.MILLISECONDS))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThat(f.cancel(true)).isFalse();
            assertThat(f).isNotDone();
            assertThat(server.isServing()).isTrue();
            // Dependent stages and copies are ordinary futures.
            CompletableFuture<String> dependent = f.thenApply(v -> "closed");
            assertThat(dependent.complete("mine")).isTrue();
            CompletableFuture<Void> copy = f.copy().orTimeout(1, TimeUnit.MILLISECONDS);
            assertThatThrownBy(copy::join).hasCauseInstanceOf(java.util.concurrent.TimeoutException.class);
            server.close();
            assertThat(f.join()).isNull();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void dependentStagesRunOnTheLoopThreadAndMayUseTheLoop(String backend) throws Exception {
        try (EventLoop loop = open(backend)) {
            Server server = loop.createServer(Families.listenAddress("tcp4"), Recorder::new);
            Recorder client = new Recorder();
            Transport t = loop.runUntil(loop.connect(server.localAddress(), client, Duration.ofSeconds(5)));
            List<String> seen = Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<String> reconnected = new CompletableFuture<>();
            // A dependent that throws completes its own stage exceptionally; the loop, the exception
            // handler and the other dependents never see it.
            CompletableFuture<Void> thrower = t.closed().thenRun(() -> {
                throw new IllegalStateException("dependent boom");
            });
            t.closed().thenRun(() -> {
                seen.add("closed on loop thread: " + loop.inLoopThread());
                // Using the loop from the dependent: a new connect, a timer, a task.
                loop.connect(server.localAddress(), new Recorder(), Duration.ofSeconds(5))
                        .thenAccept(again -> {
                            again.close();
                            reconnected.complete("again");
                        });
                loop.schedule(Duration.ZERO, () -> seen.add("timer"));
                loop.execute(() -> seen.add("task"));
                // runUntil from the loop thread is refused, not a deadlock.
                try {
                    loop.runUntil(new CompletableFuture<>());
                } catch (IllegalStateException e) {
                    seen.add("runUntil refused: " + e.getMessage().startsWith("runUntil called on the loop's own thread"));
                }
            });
            t.close();
            assertThat(loop.runUntil(reconnected)).isEqualTo("again");
            assertThat(seen).containsExactlyInAnyOrder("closed on loop thread: true", "runUntil refused: true",
                    "timer", "task");
            assertThat(failureOf(thrower)).hasMessage("dependent boom");
            server.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void protocolsHandWorkToAnotherThreadAndComeBackThroughTheLoop(String backend) throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (EventLoop loop = open(backend)) {
            List<String> writers = Collections.synchronizedList(new ArrayList<>());
            // Upper-cases each message on the pool, and writes the answer back on the loop thread.
            Server server = loop.createServer(Families.listenAddress("tcp4"), () -> new Recorder() {
                @Override
                public void dataReceived(MemorySegment data) {
                    String text = new String(data.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII);
                    CompletableFuture.supplyAsync(() -> text.toUpperCase(), pool)
                            .thenAcceptAsync(answer -> {
                                writers.add(loop.inLoopThread() ? "loop" : Thread.currentThread().getName());
                                transport.write(answer.getBytes(StandardCharsets.US_ASCII));
                            }, loop);
                }
            });
            Recorder client = new Recorder();
            Transport t = loop.runUntil(loop.connect(server.localAddress(), client, Duration.ofSeconds(5)));
            t.write("hello".getBytes(StandardCharsets.US_ASCII));
            Run.until(loop, () -> client.size() == 5, Duration.ofSeconds(10));
            assertThat(client.received.toString(StandardCharsets.US_ASCII)).isEqualTo("HELLO");
            assertThat(writers).isNotEmpty().containsOnly("loop");
            t.close();
            loop.runUntil(t.closed());
            server.close();
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void afterTheLoopClosedAnAsyncStageOnItFailsWithRejectedExecution() throws Exception {
        EventLoop loop = open("poll");
        loop.close();
        CompletableFuture<String> source = new CompletableFuture<>();
        CompletableFuture<Void> onLoop = source.thenAcceptAsync(v -> {}, loop);
        source.complete("x");
        assertThat(failureOf(onLoop)).isInstanceOf(RejectedExecutionException.class);
    }

    // ---- runUntil ------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void runUntilReturnsWhenAnotherThreadCompletesTheFuture(String backend) throws Exception {
        try (EventLoop loop = open(backend)) {
            for (int i = 0; i < 3; i++) { // a wait with no timer: only the completion's wakeup ends it
                CompletableFuture<String> f = new CompletableFuture<>();
                Thread completer = new Thread(() -> {
                    sleep(20);
                    f.complete("done " + Thread.currentThread().getName());
                }, "completer-" + i);
                completer.start();
                assertThat(loop.runUntil(f)).isEqualTo("done completer-" + i);
                assertThat(loop.isRunning()).isFalse();
                completer.join();
            }
        }
    }

    @Test
    void runUntilThrowsTheFailureAsCompletionExceptionAndCancellationAsItIs() throws Exception {
        try (EventLoop loop = open("poll")) {
            IOException cause = new IOException("refused");
            CompletableFuture<String> failing = new CompletableFuture<>();
            loop.schedule(Duration.ofMillis(5), () -> failing.completeExceptionally(cause));
            assertThatThrownBy(() -> loop.runUntil(failing)).isInstanceOf(CompletionException.class).hasCause(cause);

            CompletableFuture<String> cancelled = new CompletableFuture<>();
            loop.execute(() -> cancelled.cancel(false));
            assertThatThrownBy(() -> loop.runUntil(cancelled)).isInstanceOf(CancellationException.class);

            // A future already done: one round, then its value.
            long rounds = loop.iterations();
            assertThat(loop.runUntil(CompletableFuture.completedFuture(7))).isEqualTo(7);
            assertThat(loop.iterations()).isEqualTo(rounds + 1);
        }
    }

    @Test
    void runUntilStopsAfterTheRoundInWhichTheFutureCompleted() throws Exception {
        try (EventLoop loop = open("poll")) {
            CompletableFuture<String> f = new CompletableFuture<>();
            List<String> ran = new ArrayList<>();
            loop.schedule(Duration.ofMillis(5), () -> {
                f.complete("now");
                // The round goes on to its end: its tasks run; what they queue waits for the next round.
                loop.execute(() -> {
                    ran.add("task of that round");
                    loop.execute(() -> ran.add("task of the next round"));
                });
            });
            loop.schedule(Duration.ofSeconds(30), () -> ran.add("later timer"));
            assertThat(loop.runUntil(f)).isEqualTo("now");
            assertThat(ran).containsExactly("task of that round");
            assertThat(loop.pendingTimers()).isEqualTo(1);
            // The loop goes on where it stopped.
            loop.runUntil(CompletableFuture.completedFuture(null));
            assertThat(ran).containsExactly("task of that round", "task of the next round");
        }
    }

    @Test
    void runUntilEndedByStopOrCloseSaysSoAndLeavesTheFutureAlone() throws Exception {
        EventLoop loop = open("poll");
        CompletableFuture<String> never = new CompletableFuture<>();
        loop.schedule(Duration.ofMillis(5), loop::stop);
        assertThatThrownBy(() -> loop.runUntil(never)).isInstanceOf(IllegalStateException.class)
                .hasMessage("the event loop was stopped (stop()) before the future completed");
        assertThat(never).isNotDone();

        loop.schedule(Duration.ofMillis(5), loop::close);
        assertThatThrownBy(() -> loop.runUntil(never)).isInstanceOf(IllegalStateException.class)
                .hasMessage("the event loop was closed before the future completed");
        assertThat(loop.isClosed()).isTrue();
        assertThat(never).isNotDone();

        assertThatThrownBy(() -> loop.runUntil(CompletableFuture.completedFuture("x")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("cannot run until the future completes: the event loop is closed");
        never.complete("late"); // its leftover wakeup on a closed loop does nothing
    }

    @Test
    void runUntilOfAFutureTheCloseCompletesReturnsItsOutcome() throws Exception {
        EventLoop loop = open("poll");
        Server server = loop.createServer(Families.listenAddress("tcp4"), Recorder::new);
        Thread closer = new Thread(() -> {
            sleep(30);
            loop.close(); // from another thread while the loop runs
        });
        closer.start();
        assertThatThrownBy(() -> loop.runUntil(server.closed())).isInstanceOf(CompletionException.class)
                .cause().hasMessage("the event loop was closed");
        closer.join();
        assertThat(loop.isClosed()).isTrue();
    }

    @Test
    void aLateCompletionOfAnAbandonedFutureDoesNotStopALaterRun() throws Exception {
        try (EventLoop loop = open("poll")) {
            CompletableFuture<String> abandoned = new CompletableFuture<>();
            loop.schedule(Duration.ofMillis(1), loop::stop);
            assertThatThrownBy(() -> loop.runUntil(abandoned)).isInstanceOf(IllegalStateException.class);
            // A plain run() that only a 200 ms timer stops; the abandoned future completes meanwhile.
            long start = loop.time();
            loop.schedule(Duration.ofMillis(200), loop::stop);
            Thread completer = new Thread(() -> {
                sleep(20);
                abandoned.complete("late");
            });
            completer.start();
            loop.run();
            completer.join();
            assertThat(loop.time() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
        }
    }

    // ---- connect -------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aConnectCancelledWhileConnectionMadeRunsIsAborted(String backend) throws Exception {
        try (EventLoop loop = open(backend)) {
            Recorder[] srv = new Recorder[1];
            Server server = loop.createServer(Families.listenAddress("tcp4"), () -> srv[0] = new Recorder());
            AtomicReference<CompletableFuture<Transport>> connecting = new AtomicReference<>();
            Recorder client = new Recorder() {
                @Override
                public void connectionMade(Transport t) {
                    super.connectionMade(t);
                    connecting.get().cancel(false); // as another thread could, just before completion
                }
            };
            connecting.set(loop.connect(server.localAddress(), client, Duration.ofSeconds(5)));
            assertThatThrownBy(() -> loop.runUntil(connecting.get())).isInstanceOf(CancellationException.class);
            // Nobody holds the transport but its protocol: it must not stay open.
            assertThat(Run.until(loop, client.lost)).isInstanceOf(Recorder.NoCause.class);
            assertThat(loop.runUntil(client.transport.closed())).isNull();
            Run.until(loop, () -> srv[0] != null && srv[0].lost.isDone(), Duration.ofSeconds(5));
            server.close();
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
