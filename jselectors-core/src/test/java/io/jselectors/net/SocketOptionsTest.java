package io.jselectors.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jselectors.ErrnoException;
import io.jselectors.internal.os.Platform;
import io.jselectors.internal.os.Sockets;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link SocketOptions} set with setsockopt and read back with getsockopt: the kernel's own view. */
class SocketOptionsTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

    @Test
    void tcpOptionsReadBackAsSet() throws Exception {
        try (Conn c = Conn.open(LOOPBACK)) {
            SocketOptions asked = SocketOptions.NONE.withTcpNoDelay(true)
                    .withKeepAlive(Duration.ofSeconds(42), Duration.ofSeconds(7), 3);
            c.client.setOptions(asked);
            SocketOptions got = c.client.options();
            assertThat(got.tcpNoDelay()).isTrue();
            assertThat(got.keepAlive()).isTrue();
            assertThat(got.keepAliveIdle()).isEqualTo(Duration.ofSeconds(42));
            assertThat(got.keepAliveInterval()).isEqualTo(Duration.ofSeconds(7));
            assertThat(got.keepAliveCount()).isEqualTo(3);

            c.client.setOptions(SocketOptions.NONE.withTcpNoDelay(false).withKeepAlive(false));
            got = c.client.options();
            assertThat(got.tcpNoDelay()).isFalse();
            assertThat(got.keepAlive()).isFalse();
            assertThat(got.keepAliveIdle()).as("untouched by a null").isEqualTo(Duration.ofSeconds(42));
            // The other side is a socket of its own: nothing of this one's.
            assertThat(c.server.options().keepAlive()).isFalse();
        }
    }

    @Test
    void linuxDoublesBufferSizesAndThatIsWhatWeReport() throws Exception {
        assumeTrue(Platform.isLinux(), "the doubling of SO_SNDBUF/SO_RCVBUF is Linux's; this is " + Platform.describe());
        int asked = 64 * 1024;
        long wmax = sysctl("wmem_max");
        long rmax = sysctl("rmem_max");
        assumeTrue(wmax >= asked && rmax >= asked, "net.core.wmem_max/rmem_max below " + asked + " here");
        try (Conn c = Conn.open(LOOPBACK)) {
            c.client.setOptions(SocketOptions.NONE.withSendBufferSize(asked).withReceiveBufferSize(asked));
            SocketOptions got = c.client.options();
            assertThat(got.sendBufferSize()).isEqualTo(2 * asked);
            assertThat(got.receiveBufferSize()).isEqualTo(2 * asked);
        }
    }

    /** Reads /proc/sys/net/core/NAME line by line (its reported size may be wrong, so no readString). */
    private static long sysctl(String name) throws Exception {
        try (var r = Files.newBufferedReader(Path.of("/proc/sys/net/core/" + name))) {
            return Long.parseLong(r.readLine().trim());
        }
    }

    @Test
    void connectAppliesTheOptionsBeforeConnecting() throws Exception {
        try (ListeningSocket l = ListeningSocket.bind(LOOPBACK);
             StreamSocket s = StreamSocket.connect(l.localAddress(),
                     SocketOptions.NONE.withKeepAlive(Duration.ofSeconds(30), Duration.ofSeconds(5), 4))) {
            SocketOptions got = s.options();
            assertThat(got.keepAlive()).isTrue();
            assertThat(got.keepAliveIdle()).isEqualTo(Duration.ofSeconds(30));
            assertThat(got.keepAliveCount()).isEqualTo(4);
        }
    }

    @Test
    void unixSocketsSkipTcpOptionsAndReportThemAsNull() throws Exception {
        StreamSocket[] pair = StreamSocket.pair();
        try (StreamSocket a = pair[0]; StreamSocket b = pair[1]) {
            a.setOptions(SocketOptions.NONE.withTcpNoDelay(true).withKeepAlive(Duration.ofSeconds(5),
                    Duration.ofSeconds(5), 2).withSendBufferSize(32 * 1024));
            SocketOptions got = a.options();
            assertThat(got.tcpNoDelay()).isNull();
            assertThat(got.keepAlive()).isNull();
            assertThat(got.keepAliveIdle()).isNull();
            assertThat(got.keepAliveInterval()).isNull();
            assertThat(got.keepAliveCount()).isNull();
            assertThat(got.sendBufferSize()).as("buffer sizes apply to Unix sockets too").isGreaterThanOrEqualTo(32 * 1024);
        }
    }

    @Test
    void aValueTheKernelRefusesIsAnErrnoExceptionNamingTheCallTheFdAndTheValue() throws Exception {
        assumeTrue(Platform.isLinux(), "Linux caps TCP_KEEPCNT at 127; this is " + Platform.describe());
        try (Conn c = Conn.open(LOOPBACK)) {
            int fd = c.client.fileno();
            assertThatThrownBy(() -> c.client.setOptions(SocketOptions.NONE.withKeepAlive(Duration.ofSeconds(1),
                    Duration.ofSeconds(1), 1000)))
                    .isInstanceOf(ErrnoException.class)
                    .hasMessageContaining("setsockopt(fd=" + fd + ", TCP_KEEPCNT=1000)")
                    .hasMessageContaining("EINVAL");
        }
    }

    @Test
    void badValuesAreRefusedBeforeAnySystemCall() {
        assertThatThrownBy(() -> SocketOptions.NONE.withKeepAlive(Duration.ofMillis(1500), Duration.ofSeconds(1), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keepAliveIdle must be a whole number of seconds");
        assertThatThrownBy(() -> SocketOptions.NONE.withKeepAlive(Duration.ofSeconds(1), Duration.ZERO, 1))
                .hasMessageContaining("keepAliveInterval");
        assertThatThrownBy(() -> SocketOptions.NONE.withKeepAlive(Duration.ofSeconds(1), Duration.ofSeconds(1), 0))
                .hasMessageContaining("keepAliveCount must be >= 1, got 0");
        assertThatThrownBy(() -> SocketOptions.NONE.withSendBufferSize(0)).hasMessageContaining("sendBufferSize");
    }

    @Test
    void anOptionThePlatformLacksNamesItselfAndThePlatform() {
        assertThatThrownBy(() -> SocketOptions.supported(-1, "TCP_KEEPCNT"))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("TCP_KEEPCNT")
                .hasMessageContaining(Platform.describe());
        assertThat(SocketOptions.supported(Sockets.TCP_KEEPCNT, "TCP_KEEPCNT")).isEqualTo(Sockets.TCP_KEEPCNT);
    }

    @Test
    void aClosedSocketSaysSo() throws Exception {
        StreamSocket s;
        try (Conn c = Conn.open(LOOPBACK)) {
            s = c.client;
        }
        assertThatThrownBy(s::options).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> s.setOptions(SocketOptions.NONE.withTcpNoDelay(true)))
                .isInstanceOf(ClosedChannelException.class);
    }
}
