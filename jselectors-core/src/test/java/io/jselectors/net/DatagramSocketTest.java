package io.jselectors.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.ErrnoException;
import io.jselectors.internal.os.Sockets;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@link DatagramSocket}: UDP over IPv4 and IPv6, Unix pairs, truncation, ICMP errors, addresses. */
class DatagramSocketTest {
    private static final InetSocketAddress V4 = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Receives one datagram, waiting up to 5 s; returns its bytes. */
    private static byte[] receive(DatagramSocket s, int room) throws Exception {
        MemorySegment buf = Arena.ofAuto().allocate(room);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            int n = s.receive(buf);
            if (n != DatagramSocket.NO_DATAGRAM) {
                return buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
            }
            assertThat(System.nanoTime()).as("a datagram within 5 s").isLessThan(deadline);
            Thread.sleep(1);
        }
    }

    private static InetSocketAddress v6Loopback() {
        try (DatagramSocket s = DatagramSocket.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0))) {
            return (InetSocketAddress) s.localAddress();
        } catch (Exception e) {
            String reason = "IPv6 datagram test skipped: cannot bind [::1] here (" + e.getMessage() + ")";
            System.out.println(reason);
            Assumptions.assumeTrue(false, reason);
            return null;
        }
    }

    @Test
    void theGuideExampleWorks() throws Exception {
        // docs/net.md "Datagrams (UDP)", kept in step by hand; the wait for the datagram is added.
        try (Arena arena = Arena.ofConfined();
             DatagramSocket server = DatagramSocket.bind(new InetSocketAddress("127.0.0.1", 0));
             DatagramSocket client = DatagramSocket.open(java.net.StandardProtocolFamily.INET)) {
            client.connect(server.localAddress());
            assertThat(client.send(MemorySegment.ofArray("ping".getBytes(StandardCharsets.UTF_8)))).isTrue();
            MemorySegment buf = arena.allocate(1500);
            int n = server.receive(buf);
            for (int i = 0; i < 5000 && n == DatagramSocket.NO_DATAGRAM; i++) {
                Thread.sleep(1);
                n = server.receive(buf);
            }
            SocketAddress from = server.sender();
            boolean cut = server.truncated();
            assertThat(n).isEqualTo(4);
            assertThat(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(bytes("ping"));
            assertThat(from).isEqualTo(client.localAddress());
            assertThat(cut).isFalse();
        }
    }

    @Test
    void ipv4RoundTripNamesTheSender() throws Exception {
        try (DatagramSocket a = DatagramSocket.bind(V4); DatagramSocket b = DatagramSocket.bind(V4)) {
            assertThat(a.sendTo(MemorySegment.ofArray(bytes("ping")), b.localAddress())).isTrue();
            assertThat(receive(b, 100)).isEqualTo(bytes("ping"));
            assertThat(b.sender()).isEqualTo(a.localAddress());
            assertThat(b.truncated()).isFalse();
            b.sendTo(MemorySegment.ofArray(bytes("pong")), b.sender());
            assertThat(receive(a, 100)).isEqualTo(bytes("pong"));
            assertThat(a.sender()).isEqualTo(b.localAddress());
        }
    }

    @Test
    void ipv6RoundTripNamesTheSender() throws Exception {
        InetSocketAddress any6 = new InetSocketAddress(v6Loopback().getAddress(), 0);
        try (DatagramSocket a = DatagramSocket.bind(any6); DatagramSocket b = DatagramSocket.bind(any6)) {
            assertThat(a.isIpv6()).isTrue();
            a.sendTo(MemorySegment.ofArray(bytes("ping6")), b.localAddress());
            assertThat(receive(b, 100)).isEqualTo(bytes("ping6"));
            assertThat(b.sender()).isEqualTo(a.localAddress());
        }
    }

    @Test
    void aDualStackSocketAnswersAnIpv4PeerThroughItsMappedAddress() throws Exception {
        v6Loopback();
        Path v6only = Path.of("/proc/sys/net/ipv6/bindv6only");
        Assumptions.assumeTrue(Files.isReadable(v6only) && Files.readString(v6only).trim().equals("0"),
                "dual-stack test needs Linux with net.ipv6.bindv6only=0");
        try (DatagramSocket server = DatagramSocket.bind(new InetSocketAddress(InetAddress.getByName("::"), 0));
                DatagramSocket client = DatagramSocket.bind(V4)) {
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            client.sendTo(MemorySegment.ofArray(bytes("hi")), new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            assertThat(receive(server, 10)).isEqualTo(bytes("hi"));
            assertThat(server.sender()).isEqualTo(client.localAddress()); // Java shows ::ffff:127.0.0.1 as IPv4
            server.sendTo(MemorySegment.ofArray(bytes("back")), server.sender());
            assertThat(receive(client, 10)).isEqualTo(bytes("back"));
        }
    }

    @Test
    void anIpv4SocketRefusesAnIpv6TargetSayingWhy() throws Exception {
        try (DatagramSocket a = DatagramSocket.bind(V4)) {
            assertThatThrownBy(() -> a.sendTo(MemorySegment.ofArray(bytes("x")),
                    new InetSocketAddress(InetAddress.getByName("::1"), 9)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("IPv4 socket");
            assertThatThrownBy(() -> a.sendTo(MemorySegment.ofArray(bytes("x")),
                    InetSocketAddress.createUnresolved("localhost", 9)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unresolved");
        }
    }

    @Test
    void aDatagramLongerThanTheBufferIsReportedTruncated() throws Exception {
        try (DatagramSocket a = DatagramSocket.bind(V4); DatagramSocket b = DatagramSocket.bind(V4)) {
            byte[] big = new byte[1000];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) i;
            }
            a.sendTo(MemorySegment.ofArray(big), b.localAddress());
            a.sendTo(MemorySegment.ofArray(bytes("short")), b.localAddress());
            byte[] head = receive(b, 10);
            assertThat(head).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
            assertThat(b.truncated()).as("1000 bytes into 10").isTrue();
            assertThat(receive(b, 10)).isEqualTo(bytes("short"));
            assertThat(b.truncated()).as("the next datagram fits").isFalse();
        }
    }

    @Test
    void aDatagramThatFillsTheBufferExactlyIsNotTruncated() throws Exception {
        try (DatagramSocket a = DatagramSocket.bind(V4); DatagramSocket b = DatagramSocket.bind(V4)) {
            a.sendTo(MemorySegment.ofArray(new byte[10]), b.localAddress());
            assertThat(receive(b, 10)).hasSize(10);
            assertThat(b.truncated()).isFalse();
        }
    }

    @Test
    void anEmptyDatagramIsReceivedAsZeroBytes() throws Exception {
        try (DatagramSocket a = DatagramSocket.bind(V4); DatagramSocket b = DatagramSocket.bind(V4)) {
            a.sendTo(MemorySegment.ofArray(new byte[0]), b.localAddress());
            assertThat(receive(b, 10)).isEmpty();
            assertThat(b.sender()).isEqualTo(a.localAddress());
            assertThat(b.receive(MemorySegment.ofArray(new byte[10]))).isEqualTo(DatagramSocket.NO_DATAGRAM);
        }
    }

    @Test
    void aConnectedSocketGetsEconnrefusedNamingCallAndFd() throws Exception {
        InetSocketAddress gone;
        try (DatagramSocket s = DatagramSocket.bind(V4)) {
            gone = (InetSocketAddress) s.localAddress();
        }
        try (DatagramSocket c = DatagramSocket.open(java.net.StandardProtocolFamily.INET)) {
            c.connect(gone);
            assertThat(c.isConnected()).isTrue();
            assertThat(c.send(MemorySegment.ofArray(bytes("anyone?")))).isTrue();
            ErrnoException refused = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (refused == null && System.nanoTime() < deadline) {
                try {
                    assertThat(c.receive(MemorySegment.ofArray(new byte[10]))).isEqualTo(DatagramSocket.NO_DATAGRAM);
                    Thread.sleep(1);
                } catch (ErrnoException e) {
                    refused = e;
                }
            }
            assertThat(refused).as("ECONNREFUSED within 5 s").isNotNull();
            assertThat(refused.errno()).isEqualTo(Sockets.ECONNREFUSED);
            assertThat(refused.getMessage()).contains("recvmsg(fd=" + c.fileno() + ")").contains("ECONNREFUSED");
            // The socket goes on: the error was reported once.
            assertThat(c.receive(MemorySegment.ofArray(new byte[10]))).isEqualTo(DatagramSocket.NO_DATAGRAM);
        }
    }

    @Test
    void theSenderObjectIsReusedWhileTheSenderStaysTheSame() throws Exception {
        try (DatagramSocket a = DatagramSocket.bind(V4); DatagramSocket a2 = DatagramSocket.bind(V4);
                DatagramSocket b = DatagramSocket.bind(V4)) {
            a.sendTo(MemorySegment.ofArray(bytes("1")), b.localAddress());
            receive(b, 10);
            SocketAddress first = b.sender();
            a.sendTo(MemorySegment.ofArray(bytes("2")), b.localAddress());
            receive(b, 10);
            assertThat(b.sender()).isSameAs(first);
            a2.sendTo(MemorySegment.ofArray(bytes("3")), b.localAddress());
            receive(b, 10);
            assertThat(b.sender()).isEqualTo(a2.localAddress()).isNotEqualTo(first);
        }
    }

    @Test
    void sendingToSeveralTargetsInTurnReachesEachOne() throws Exception {
        try (DatagramSocket a = DatagramSocket.bind(V4); DatagramSocket b = DatagramSocket.bind(V4);
                DatagramSocket c = DatagramSocket.bind(V4)) {
            SocketAddress toB = b.localAddress();
            SocketAddress toC = c.localAddress();
            for (int i = 0; i < 3; i++) {
                a.sendTo(MemorySegment.ofArray(bytes("b" + i)), toB);
                a.sendTo(MemorySegment.ofArray(bytes("c" + i)), toC);
                a.sendTo(MemorySegment.ofArray(bytes("c" + i + "'")), toC); // same object twice: the cached form
            }
            for (int i = 0; i < 3; i++) {
                assertThat(receive(b, 10)).isEqualTo(bytes("b" + i));
                assertThat(receive(c, 10)).isEqualTo(bytes("c" + i));
                assertThat(receive(c, 10)).isEqualTo(bytes("c" + i + "'"));
            }
        }
    }

    @Test
    void disconnectLetsTheSocketSendToAnyoneAgain() throws Exception {
        try (DatagramSocket a = DatagramSocket.bind(V4); DatagramSocket b = DatagramSocket.bind(V4);
                DatagramSocket c = DatagramSocket.bind(V4)) {
            a.connect(b.localAddress());
            assertThat(a.remoteAddress()).isEqualTo(b.localAddress());
            c.sendTo(MemorySegment.ofArray(bytes("filtered")), a.localAddress()); // not from the peer: dropped
            b.sendTo(MemorySegment.ofArray(bytes("peer")), a.localAddress());
            assertThat(receive(a, 20)).isEqualTo(bytes("peer"));
            a.disconnect();
            assertThat(a.isConnected()).isFalse();
            assertThatThrownBy(() -> a.send(MemorySegment.ofArray(bytes("x"))))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("sendTo");
            a.sendTo(MemorySegment.ofArray(bytes("to c")), c.localAddress());
            assertThat(receive(c, 20)).isEqualTo(bytes("to c"));
        }
    }

    @Test
    void tooLargeForUdpIsEmsgsizeFromNativeAndHeapMemory() throws Exception {
        try (DatagramSocket a = DatagramSocket.bind(V4); DatagramSocket b = DatagramSocket.bind(V4);
                Arena arena = Arena.ofConfined()) {
            MemorySegment nativeBig = arena.allocate(70_000);
            assertThatThrownBy(() -> a.sendTo(nativeBig, b.localAddress()))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Sockets.EMSGSIZE))
                    .hasMessageContaining("sendto(fd=" + a.fileno());
            assertThatThrownBy(() -> a.sendTo(MemorySegment.ofArray(new byte[70_000]), b.localAddress()))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Sockets.EMSGSIZE));
        }
    }

    @Test
    void unixPairCarriesDatagramsWholeWithNoSender() throws Exception {
        DatagramSocket[] pair = DatagramSocket.pair();
        try (DatagramSocket a = pair[0]; DatagramSocket b = pair[1]) {
            assertThat(a.isUnix()).isTrue();
            a.send(MemorySegment.ofArray(bytes("one")));
            a.send(MemorySegment.ofArray(bytes("two")));
            assertThat(receive(b, 10)).isEqualTo(bytes("one"));
            assertThat(b.sender()).isNull();
            assertThat(receive(b, 10)).isEqualTo(bytes("two"));
            assertThatThrownBy(() -> a.sendTo(MemorySegment.ofArray(bytes("x")), V4))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pair");
        }
    }

    @Test
    void aFullUnixPairSaysFalseAndSendsNothing() throws Exception {
        DatagramSocket[] pair = DatagramSocket.pair();
        try (DatagramSocket a = pair[0]; DatagramSocket b = pair[1]) {
            int sent = 0;
            while (a.send(MemorySegment.ofArray(new byte[512]))) {
                sent++;
                assertThat(sent).as("the peer's queue fills").isLessThan(1_000_000);
            }
            int received = 0;
            MemorySegment buf = MemorySegment.ofArray(new byte[1024]);
            while (b.receive(buf) != DatagramSocket.NO_DATAGRAM) {
                assertThat(b.truncated()).isFalse();
                received++;
            }
            assertThat(received).isEqualTo(sent);
        }
    }

    @Test
    void badMemoryAndClosedSocketsAreRefusedBeforeAnyDatagramIsTaken() throws Exception {
        try (DatagramSocket a = DatagramSocket.bind(V4); DatagramSocket b = DatagramSocket.bind(V4)) {
            a.sendTo(MemorySegment.ofArray(bytes("kept")), b.localAddress());
            MemorySegment closed;
            try (Arena arena = Arena.ofConfined()) {
                closed = arena.allocate(10);
            }
            MemorySegment closedSeg = closed;
            Thread.sleep(50);
            assertThatThrownBy(() -> b.receive(closedSeg)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> b.receive(MemorySegment.ofArray(new byte[10]).asReadOnly()))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(receive(b, 10)).isEqualTo(bytes("kept"));
            b.close();
            assertThatThrownBy(() -> b.receive(MemorySegment.ofArray(new byte[10])))
                    .isInstanceOf(ClosedChannelException.class).hasMessageContaining("receive");
            assertThat(b.fileno()).isEqualTo(-1);
        }
    }

    @Test
    void broadcastCanBeTurnedOn() throws Exception {
        try (DatagramSocket a = DatagramSocket.bind(V4)) {
            assertThat(a.getBroadcast()).isFalse();
            a.setBroadcast(true);
            assertThat(a.getBroadcast()).isTrue();
        }
    }
}
