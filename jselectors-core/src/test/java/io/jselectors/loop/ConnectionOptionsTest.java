package io.jselectors.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jselectors.ErrnoException;
import io.jselectors.internal.os.Platform;
import io.jselectors.net.SocketOptions;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-connection socket options on accepted and connected transports, read back with getsockopt. */
class ConnectionOptionsTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);
    private static final SocketOptions KEEPALIVE =
            SocketOptions.NONE.withKeepAlive(Duration.ofSeconds(60), Duration.ofSeconds(10), 5);

    @Test
    void acceptedConnectionsGetTheServersOptions() throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            Recorder accepted = new Recorder();
            Server server = loop.createServer(LOOPBACK, () -> accepted,
                    ServerOptions.DEFAULTS.withConnectionOptions(KEEPALIVE.withTcpNoDelay(true)));
            Run.until(loop, loop.connect(server.localAddress(), new Recorder()));
            Transport t = Run.until(loop, accepted.made);
            SocketOptions got = t.socketOptions();
            assertThat(got.tcpNoDelay()).isTrue();
            assertThat(got.keepAlive()).isTrue();
            assertThat(got.keepAliveIdle()).isEqualTo(Duration.ofSeconds(60));
            assertThat(got.keepAliveInterval()).isEqualTo(Duration.ofSeconds(10));
            assertThat(got.keepAliveCount()).isEqualTo(5);
        }
    }

    @Test
    void serverDefaultsTurnNagleOffAndLeaveKeepAliveToTheOs() throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            Recorder accepted = new Recorder();
            Server server = loop.createServer(LOOPBACK, () -> accepted);
            Transport client = Run.until(loop, loop.connect(server.localAddress(), new Recorder()));
            Transport t = Run.until(loop, accepted.made);
            assertThat(t.socketOptions().tcpNoDelay()).isTrue();
            assertThat(t.socketOptions().keepAlive()).isFalse();
            assertThat(client.socketOptions().tcpNoDelay()).as("ConnectOptions.DEFAULTS").isTrue();
        }
    }

    @Test
    void connectedTransportsGetTheConnectOptions() throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            Server server = loop.createServer(LOOPBACK, Recorder::new);
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            Transport t = Run.until(loop, loop.connect("localhost", port, new Recorder(),
                    ConnectOptions.DEFAULTS.withSocketOptions(KEEPALIVE.withTcpNoDelay(false))));
            SocketOptions got = t.socketOptions();
            assertThat(got.tcpNoDelay()).isFalse();
            assertThat(got.keepAlive()).isTrue();
            assertThat(got.keepAliveIdle()).isEqualTo(Duration.ofSeconds(60));
            assertThat(got.keepAliveCount()).isEqualTo(5);
        }
    }

    @Test
    void aLiveTransportsOptionsCanBeChanged() throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            Server server = loop.createServer(LOOPBACK, Recorder::new);
            Recorder r = new Recorder();
            Transport t = Run.until(loop, loop.connect(server.localAddress(), r));
            t.setSocketOptions(SocketOptions.NONE.withKeepAlive(true).withTcpNoDelay(false));
            assertThat(t.socketOptions().keepAlive()).isTrue();
            assertThat(t.socketOptions().tcpNoDelay()).isFalse();
            if (Platform.isLinux()) {
                t.setSocketOptions(SocketOptions.NONE.withSendBufferSize(32 * 1024));
                assertThat(t.socketOptions().sendBufferSize()).as("Linux doubles it").isEqualTo(64 * 1024);
            }
            t.abort();
            Run.until(loop, r.lost);
            assertThatThrownBy(t::socketOptions).isInstanceOf(java.nio.channels.ClosedChannelException.class);
        }
    }

    @Test
    void unixTransportsSkipTcpOptions() throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            SocketAddress path = Families.listenAddress("unix");
            Recorder accepted = new Recorder();
            Server server = loop.createServer(path, () -> accepted,
                    ServerOptions.DEFAULTS.withConnectionOptions(KEEPALIVE.withTcpNoDelay(true)));
            Transport client = Run.until(loop, loop.connect(server.localAddress(), new Recorder(),
                    ConnectOptions.DEFAULTS.withSocketOptions(KEEPALIVE)));
            Transport t = Run.until(loop, accepted.made);
            assertThat(t.socketOptions().keepAlive()).as("not a TCP socket").isNull();
            assertThat(t.socketOptions().tcpNoDelay()).isNull();
            assertThat(client.socketOptions().keepAlive()).isNull();
            assertThat(client.socketOptions().sendBufferSize()).isPositive();
        }
    }

    @Test
    void anAcceptedConnectionWhoseOptionsFailIsClosedAndTheErrorReported() throws Exception {
        assumeTrue(Platform.isLinux(), "Linux caps TCP_KEEPCNT at 127; this is " + Platform.describe());
        List<Throwable> reported = Collections.synchronizedList(new ArrayList<>());
        try (EventLoop loop = EventLoop.open()) {
            loop.setExceptionHandler((context, t) -> reported.add(t));
            Recorder accepted = new Recorder();
            Server server = loop.createServer(LOOPBACK, () -> accepted, ServerOptions.DEFAULTS.withConnectionOptions(
                    SocketOptions.NONE.withKeepAlive(Duration.ofSeconds(1), Duration.ofSeconds(1), 1000)));
            Recorder client = new Recorder();
            Run.until(loop, loop.connect(server.localAddress(), client));
            Run.until(loop, client.lost);
            assertThat(accepted.events).as("no protocol made for it").isEmpty();
            assertThat(reported).singleElement().isInstanceOf(ErrnoException.class);
            assertThat(reported.get(0)).hasMessageContaining("TCP_KEEPCNT=1000").hasMessageContaining("EINVAL");
        }
    }

    @Test
    void aConnectWhoseOptionsFailFailsWithTheError() throws Exception {
        assumeTrue(Platform.isLinux(), "Linux caps TCP_KEEPCNT at 127; this is " + Platform.describe());
        try (EventLoop loop = EventLoop.open()) {
            Server server = loop.createServer(LOOPBACK, Recorder::new);
            var f = loop.connect(server.localAddress(), new Recorder(), ConnectOptions.DEFAULTS.withSocketOptions(
                    SocketOptions.NONE.withKeepAlive(Duration.ofSeconds(1), Duration.ofSeconds(1), 1000)));
            f.whenComplete((v, e) -> loop.stop());
            loop.run();
            assertThatThrownBy(f::join).hasCauseInstanceOf(ErrnoException.class)
                    .hasMessageContaining("setsockopt(fd=").hasMessageContaining("TCP_KEEPCNT=1000");
            assertThat(server.acceptedCount()).isZero();
        }
    }
}
