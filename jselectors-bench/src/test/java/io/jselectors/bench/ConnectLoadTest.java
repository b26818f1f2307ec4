package io.jselectors.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.bench.load.ConnectLoad;
import io.jselectors.bench.load.LoadFailure;
import io.jselectors.loop.EventLoop;
import io.jselectors.loop.Protocol;
import io.jselectors.loop.Server;
import io.jselectors.loop.ServerOptions;
import io.jselectors.loop.Transport;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** connect-load against an in-process echo server on two event loops, and against one that corrupts. */
class ConnectLoadTest {
    private static ConnectLoad.Config config(InetSocketAddress target) {
        return new ConnectLoad.Config(target, 4, 64, Duration.ofMillis(200), Duration.ofMillis(500),
                ProcessHandle.current().pid());
    }

    @Test
    void churnsVerifiedConnectionsThroughALoopServer() throws Exception {
        EventLoop a = EventLoop.open();
        EventLoop b = EventLoop.open();
        Thread ta = Thread.ofPlatform().start(a::run);
        Thread tb = Thread.ofPlatform().start(b::run);
        try {
            Server server = a.createServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    loop -> new Echo(), ServerOptions.DEFAULTS, List.of(a, b));
            ConnectLoad.Result r = new ConnectLoad(config((InetSocketAddress) server.localAddress())).run();
            assertThat(r.connections()).isPositive();
            assertThat(server.acceptedCount()).isGreaterThanOrEqualTo(r.connections());
            assertThat(r.p99Micros()).isGreaterThanOrEqualTo(r.p50Micros()).isPositive();
            assertThat(r.serverCpu()).isNotNull();
            assertThat(r.summary()).contains("4 clients x 64 B").contains("conn/s").contains("us/conn");
            assertThat(r.toJson()).contains("\"connections\":" + r.connections()).startsWith("{").endsWith("}");
        } finally {
            a.stop();
            b.stop();
            ta.join(TimeUnit.SECONDS.toMillis(5));
            tb.join(TimeUnit.SECONDS.toMillis(5));
            a.close();
            b.close();
        }
    }

    @Test
    void aWrongEchoFailsTheRun() throws Exception {
        try (TestEchoServer s = new TestEchoServer(TestEchoServer.Mode.CORRUPT, 1000)) {
            assertThatThrownBy(() -> new ConnectLoad(config(s.address())).run())
                    .isInstanceOf(LoadFailure.class)
                    .hasMessageContaining("wrong echo at byte");
        }
    }

    /** Writes back what it reads; closes after the peer's EOF (the default). */
    private static final class Echo implements Protocol {
        private Transport transport;

        @Override
        public void connectionMade(Transport t) {
            transport = t;
        }

        @Override
        public void dataReceived(MemorySegment data) {
            transport.write(data);
        }
    }
}
