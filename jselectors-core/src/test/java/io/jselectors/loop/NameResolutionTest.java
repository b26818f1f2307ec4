package io.jselectors.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.ErrnoException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** connect and createServer by host name: resolution off the loop, every address tried, errors named, no leaks. */
class NameResolutionTest {
    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress("127.0.0.1", 0);

    /** A lookup that returns fixed addresses, whatever the name. */
    private static NameResolver.Lookup fixed(String... literals) {
        return host -> {
            InetAddress[] out = new InetAddress[literals.length];
            for (int i = 0; i < literals.length; i++) {
                out[i] = InetAddress.ofLiteral(literals[i]);
            }
            return out;
        };
    }

    /** A lookup that blocks until released, then returns 127.0.0.1; counts down {@code entered} first. */
    private static NameResolver.Lookup blocking(CountDownLatch entered, CountDownLatch release) {
        return host -> {
            entered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new InetAddress[] {InetAddress.ofLiteral("127.0.0.1")};
        };
    }

    /** Runs the loop until f completes and returns its failure. */
    private static Throwable failureOf(EventLoop loop, CompletableFuture<?> f) {
        f.whenComplete((v, e) -> loop.stop());
        TimerHandle guard = loop.schedule(Duration.ofSeconds(20), loop::stop);
        loop.run();
        guard.cancel();
        assertThat(f).as("completed").isDone();
        assertThat(f).as("failed").isCompletedExceptionally();
        return f.handle((v, e) -> e).join();
    }

    private static int port(Server s) {
        return ((InetSocketAddress) s.localAddress()).getPort();
    }

    private static int closedPort() throws IOException {
        try (var l = io.jselectors.net.ListeningSocket.bind(ANY_LOOPBACK_PORT)) {
            return ((InetSocketAddress) l.localAddress()).getPort();
        }
    }

    @Test
    void connectsByNameAndByLiteral() throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            Server server = loop.createServer(ANY_LOOPBACK_PORT, Recorder::new);
            Transport byName = Run.until(loop, loop.connect("localhost", port(server), new Recorder()));
            assertThat(((InetSocketAddress) byName.remoteAddress()).getAddress().isLoopbackAddress()).isTrue();
            Transport byLiteral = Run.until(loop, loop.connect("127.0.0.1", port(server), new Recorder(),
                    Duration.ofSeconds(5)));
            assertThat(byLiteral.remoteAddress()).isEqualTo(new InetSocketAddress("127.0.0.1", port(server)));
            Transport unresolved = Run.until(loop, loop.connect(
                    InetSocketAddress.createUnresolved("localhost", port(server)), new Recorder()));
            assertThat(unresolved.remoteAddress()).isNotNull();
        }
    }

    @Test
    void anUnknownHostFailsWithTheResolversErrorNamingTheHost() throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            Throwable e = failureOf(loop, loop.connect("no-such-host.invalid", 80, new Recorder()));
            assertThat(e).isInstanceOf(UnknownHostException.class).hasMessageContaining("no-such-host.invalid");
            Throwable s = failureOf(loop, loop.createServer("no-such-host.invalid", 0, Recorder::new));
            assertThat(s).isInstanceOf(UnknownHostException.class).hasMessageContaining("no-such-host.invalid");
            assertThat(loop.openResources()).isZero();
        }
    }

    @Test
    void triesEveryAddressInOrderUntilOneConnects() throws Exception {
        int fds = FdCount.now();
        try (EventLoop loop = EventLoop.open()) {
            Server server = loop.createServer(ANY_LOOPBACK_PORT, Recorder::new);
            // Nothing listens on ::1 at that port (or there is no IPv6): refused at once, then 127.0.0.1 connects.
            CompletableFuture<Transport> f = Connector.connect(loop, "test.example", port(server), new Recorder(),
                    ConnectOptions.DEFAULTS, fixed("::1", "127.0.0.1"));
            Transport t = Run.until(loop, f);
            assertThat(t.remoteAddress()).isEqualTo(new InetSocketAddress("127.0.0.1", port(server)));
        }
        assertThat(FdCount.now()).as("no socket of the failed attempt left open").isEqualTo(fds);
    }

    @Test
    void whenEveryAddressFailsTheErrorNamesEachWithItsCause() throws Exception {
        int port = closedPort();
        int fds = FdCount.now();
        try (EventLoop loop = EventLoop.open()) {
            Throwable e = failureOf(loop, Connector.connect(loop, "test.example", port, new Recorder(),
                    ConnectOptions.DEFAULTS, fixed("127.0.0.1", "::1")));
            assertThat(e).isInstanceOf(ConnectException.class)
                    .hasMessageContaining("test.example:" + port)
                    .hasMessageContaining("each of its 2 addresses failed")
                    .hasMessageContaining("127.0.0.1:" + port)
                    .hasMessageContaining("[0:0:0:0:0:0:0:1]:" + port)
                    .hasMessageContaining("ECONNREFUSED");
            assertThat(e.getSuppressed()).hasSize(2);
            assertThat(e.getSuppressed()[0]).isInstanceOf(ErrnoException.class).hasMessageContaining("ECONNREFUSED");

            Throwable one = failureOf(loop, loop.connect("127.0.0.1", port, new Recorder()));
            assertThat(one).as("one address: its own error").isInstanceOf(ErrnoException.class)
                    .hasMessageContaining("ECONNREFUSED");
        }
        assertThat(FdCount.now()).isEqualTo(fds);
    }

    @Test
    void cancellingDuringResolutionOpensNoSocket() throws Exception {
        int fds = FdCount.now();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (EventLoop loop = EventLoop.open()) {
            Server server = loop.createServer(ANY_LOOPBACK_PORT, Recorder::new);
            Recorder r = new Recorder();
            CompletableFuture<Transport> f = Connector.connect(loop, "slow.example", port(server), r,
                    ConnectOptions.DEFAULTS, blocking(entered, release));
            Run.until(loop, () -> entered.getCount() == 0, Duration.ofSeconds(10));
            assertThat(f.cancel(false)).isTrue();
            release.countDown();
            Run.forAbout(loop, Duration.ofMillis(300)); // the resolution's result arrives and is dropped
            assertThat(server.acceptedCount()).as("nothing connected").isZero();
            assertThat(r.events).isEmpty();
            assertThat(loop.openResources()).as("only the server").isEqualTo(1);
        }
        assertThat(FdCount.now()).isEqualTo(fds);
    }

    @Test
    void theTimeoutCoversTheResolution() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (EventLoop loop = EventLoop.open()) {
            Throwable e = failureOf(loop, Connector.connect(loop, "slow.example", 80, new Recorder(),
                    ConnectOptions.DEFAULTS.withTimeout(Duration.ofMillis(200)), blocking(entered, release)));
            release.countDown();
            assertThat(e).isInstanceOf(SocketTimeoutException.class)
                    .hasMessage("connect to slow.example:80 timed out after 200 ms (resolving the name)");
            assertThat(loop.openResources()).isZero();
        }
    }

    @Test
    void aLoopClosedDuringResolutionFailsTheConnect() throws Exception {
        int fds = FdCount.now();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Transport> f;
        try (EventLoop loop = EventLoop.open()) {
            f = Connector.connect(loop, "slow.example", 80, new Recorder(), ConnectOptions.DEFAULTS,
                    blocking(entered, release));
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        }
        release.countDown();
        assertThat(f).isCompletedExceptionally();
        assertThatThrownBy(f::join).hasCauseInstanceOf(IOException.class).hasMessageContaining("the event loop was closed");
        Thread.sleep(100); // the resolution's hand-back meets a closed loop
        assertThat(FdCount.now()).isEqualTo(fds);
    }

    @Test
    void createServerByNameBindsTheFirstAddressThatBinds() throws Exception {
        try (EventLoop loop = EventLoop.open();
             var taken = io.jselectors.net.ListeningSocket.bind(ANY_LOOPBACK_PORT)) {
            int port = ((InetSocketAddress) taken.localAddress()).getPort();
            // 127.0.0.1 at that port is taken (EADDRINUSE); 127.0.0.2, a loopback address of Linux's, binds.
            CompletableFuture<Server> f = ServerBinder.bind(loop, "test.example", port, l -> new Recorder(),
                    ServerOptions.DEFAULTS, fixed("127.0.0.1", "127.0.0.2"));
            Server s = Run.until(loop, f);
            assertThat(s.localAddress()).isEqualTo(new InetSocketAddress("127.0.0.2", port));
            Run.until(loop, loop.connect("127.0.0.2", port, new Recorder()));

            Server byName = Run.until(loop, loop.createServer("localhost", 0, Recorder::new));
            assertThat(((InetSocketAddress) byName.localAddress()).getAddress().isLoopbackAddress()).isTrue();

            Throwable none = failureOf(loop, ServerBinder.bind(loop, "test.example", port, l -> new Recorder(),
                    ServerOptions.DEFAULTS, fixed("127.0.0.1", "127.0.0.2")));
            assertThat(none).hasMessageContaining("cannot listen on test.example:" + port + ": each of its 2 addresses failed")
                    .hasMessageContaining("127.0.0.1:" + port + " (bind(")
                    .hasMessageContaining("EADDRINUSE");
            assertThat(none.getSuppressed()).hasSize(2);
        }
    }

    @Test
    void cancellingCreateServerDuringResolutionBindsNothing() throws Exception {
        int fds = FdCount.now();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (EventLoop loop = EventLoop.open()) {
            CompletableFuture<Server> f = ServerBinder.bind(loop, "slow.example", 0, l -> new Recorder(),
                    ServerOptions.DEFAULTS, blocking(entered, release));
            Run.until(loop, () -> entered.getCount() == 0, Duration.ofSeconds(10));
            f.cancel(false);
            release.countDown();
            Run.forAbout(loop, Duration.ofMillis(300));
            assertThat(loop.openResources()).isZero();
        }
        assertThat(FdCount.now()).isEqualTo(fds);
    }

    @Test
    void badArgumentsAreRefusedAtOnce() throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            assertThatThrownBy(() -> loop.connect("localhost", 70000, new Recorder()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("70000");
            assertThatThrownBy(() -> loop.connect("localhost", 80, new Recorder(), Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout must be positive");
            assertThatThrownBy(() -> loop.createServer(InetSocketAddress.createUnresolved("localhost", 0), Recorder::new))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(ConnectOptions.DEFAULTS.timeout()).isEqualTo(Duration.ofSeconds(30));
        }
    }
}
