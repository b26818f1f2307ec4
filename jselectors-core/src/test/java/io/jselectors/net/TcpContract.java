package io.jselectors.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.ErrnoException;
import io.jselectors.internal.os.Sockets;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TCP behaviour, run for IPv4 and IPv6 by the subclasses. */
abstract class TcpContract extends StreamContract {
    /** @return the loopback address of the family under test */
    abstract InetAddress loopback() throws Exception;

    @Override
    SocketAddress bindAddress() throws Exception {
        return new InetSocketAddress(loopback(), 0);
    }

    @Test
    void connectInProgressThenFinishConnect() throws Exception {
        try (ListeningSocket l = ListeningSocket.bind(bindAddress())) {
            InetSocketAddress at = (InetSocketAddress) l.localAddress();
            assertThat(at.getPort()).isPositive();
            assertThat(at.getAddress()).isEqualTo(loopback());
            try (StreamSocket c = StreamSocket.connect(at)) {
                await("finishConnect", c::finishConnect);
                assertThat(c.isConnected()).isTrue();
                assertThat(c.finishConnect()).isTrue();
                assertThat(c.remoteAddress()).isEqualTo(at);
                StreamSocket[] s = new StreamSocket[1];
                await("accept", () -> (s[0] = l.accept()) != null);
                try (StreamSocket server = s[0]) {
                    assertThat(l.accept()).as("no second pending connection").isNull();
                    assertThat(server.fileno()).isPositive();
                }
            }
        }
    }

    @Test
    void connectionRefusedSaysSo() throws Exception {
        SocketAddress dead;
        try (ListeningSocket l = ListeningSocket.bind(bindAddress())) {
            dead = l.localAddress();
        }
        try {
            assertThatThrownBy(() -> {
                        StreamSocket s = StreamSocket.connect(dead);
                        holder[0] = s;
                        await("refusal", s::finishConnect);
                    })
                    .isInstanceOf(ErrnoException.class)
                    .hasMessageContaining("connect(" + StreamSocket.describe(dead))
                    .hasMessageContaining("ECONNREFUSED (Connection refused; nothing is listening at that address)")
                    .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(Sockets.ECONNREFUSED));
        } finally {
            if (holder[0] != null) {
                holder[0].close(); // a failed connect leaves the socket open until closed
            }
        }
    }

    private final StreamSocket[] holder = new StreamSocket[1];

    @Test
    void addressInUseSaysSo() throws Exception {
        try (ListeningSocket l = ListeningSocket.bind(bindAddress())) {
            SocketAddress taken = l.localAddress();
            assertThatThrownBy(() -> ListeningSocket.bind(taken))
                    .isInstanceOf(ErrnoException.class)
                    .hasMessageStartingWith("bind(" + StreamSocket.describe(taken) + "): EADDRINUSE (Address already in use; ")
                    .hasMessageContaining("choose another port");
        }
    }

    @Test
    void reusePortLetsTwoListenersShareAPort() throws Exception {
        ListenOptions shared = ListenOptions.DEFAULTS.withReusePort(true);
        try (ListeningSocket a = ListeningSocket.bind(bindAddress(), shared);
                ListeningSocket b = ListeningSocket.bind(a.localAddress(), shared)) {
            assertThat(b.localAddress()).isEqualTo(a.localAddress());
            assertThat(a.getReusePort()).isTrue();
            assertThat(a.getReuseAddress()).isTrue();
        }
        try (ListeningSocket plain = ListeningSocket.bind(bindAddress(), ListenOptions.DEFAULTS.withReuseAddress(false))) {
            assertThat(plain.getReuseAddress()).isFalse();
            assertThat(plain.getReusePort()).isFalse();
        }
    }

    @Test
    void abortGivesThePeerAReset() throws Exception {
        try (Conn c = open()) {
            c.client.abort();
            assertThat(c.client.isOpen()).isFalse();
            ByteBuffer b = ByteBuffer.allocate(8);
            ErrnoException[] seen = new ErrnoException[1];
            await("reset at the peer", () -> {
                try {
                    int r = c.server.read(b);
                    assertThat(r).as("read after the peer's reset").isZero();
                    return false;
                } catch (ErrnoException e) {
                    seen[0] = e;
                    return true;
                }
            });
            assertThat(seen[0].errno()).isEqualTo(Sockets.ECONNRESET);
            assertThat(seen[0]).hasMessage("read(fd=" + c.server.fileno() + "): ECONNRESET (Connection reset by peer)");
        }
    }

    @Test
    void optionsRoundTrip() throws Exception {
        try (Conn c = open()) {
            c.client.setTcpNoDelay(true);
            assertThat(c.client.getTcpNoDelay()).isTrue();
            c.client.setTcpNoDelay(false);
            assertThat(c.client.getTcpNoDelay()).isFalse();
            c.client.setKeepAlive(true);
            assertThat(c.client.getKeepAlive()).isTrue();
            c.client.setReceiveBufferSize(32 * 1024);
            // Linux doubles the value for bookkeeping
            assertThat(c.client.getReceiveBufferSize()).isEqualTo(64 * 1024);
            c.client.setSendBufferSize(16 * 1024);
            assertThat(c.client.getSendBufferSize()).isEqualTo(32 * 1024);
            assertThatThrownBy(() -> c.client.setSendBufferSize(0)).isInstanceOf(IllegalArgumentException.class);
            assertThat(c.client.isUnix()).isFalse();
        }
    }

    @Test
    void backlogBoundsTheUnacceptedConnections() throws Exception {
        // Linux queues backlog+1 completed connections and drops further SYNs until accept makes room.
        List<StreamSocket> clients = new ArrayList<>();
        try (ListeningSocket l = ListeningSocket.bind(bindAddress(), ListenOptions.DEFAULTS.withBacklog(1))) {
            for (int i = 0; i < 6; i++) {
                clients.add(StreamSocket.connect(l.localAddress()));
            }
            Thread.sleep(200);
            int connected = 0;
            for (StreamSocket c : clients) {
                if (c.finishConnect()) {
                    connected++;
                }
            }
            assertThat(connected).as("connections completed with backlog 1").isBetween(1, 2);
            int accepted = 0;
            StreamSocket s;
            while ((s = l.accept()) != null) {
                s.close();
                accepted++;
            }
            assertThat(accepted).isEqualTo(connected);
        } finally {
            for (StreamSocket c : clients) {
                c.close();
            }
        }
    }

    @Test
    void tcpOptionsRefusedOnAPairSaysWhy() throws Exception {
        StreamSocket[] p = StreamSocket.pair();
        try {
            assertThatThrownBy(() -> p[0].setTcpNoDelay(true))
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessage("TCP_NODELAY applies to TCP sockets; this is a Unix socket");
        } finally {
            p[0].close();
            p[1].close();
        }
    }
}
