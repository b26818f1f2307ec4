import io.jselectors.loop.DatagramOptions;
import io.jselectors.loop.DatagramProtocol;
import io.jselectors.loop.DatagramTransport;
import io.jselectors.loop.EventLoop;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A UDP echo server and a client on one event loop; the server takes datagrams of at most 16 bytes. */
public class UdpEcho {
    /** Sends each datagram back to whoever sent it, and says when one arrived cut. */
    static class Echo implements DatagramProtocol {
        private DatagramTransport transport;

        @Override public void connectionMade(DatagramTransport t) { transport = t; }

        @Override public void datagramReceived(MemorySegment data, SocketAddress sender, boolean truncated) {
            if (truncated) {
                System.out.println("server: a datagram longer than 16 bytes, cut to " + data.byteSize());
            }
            transport.sendTo(data, sender);
        }
    }

    /** Sends three datagrams to the server and prints the replies; closes after the third. */
    static class Client implements DatagramProtocol {
        private DatagramTransport transport;
        private int replies;

        @Override public void connectionMade(DatagramTransport t) {
            transport = t;
            for (String s : new String[] {"hello", "udp", "a datagram longer than sixteen bytes"}) {
                t.send(s.getBytes(StandardCharsets.UTF_8));
            }
        }

        @Override public void datagramReceived(MemorySegment data, SocketAddress sender, boolean truncated) {
            System.out.println("client got: " + new String(data.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8));
            if (++replies == 3) {
                transport.close();
            }
        }

        @Override public void errorReceived(IOException e) {
            System.out.println("client: " + e.getMessage());
        }

        @Override public void connectionLost(Throwable cause) {
            transport.loop().stop();
        }
    }

    public static void main(String[] args) throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            DatagramTransport server = loop.createDatagramEndpoint(new InetSocketAddress("127.0.0.1", 0), null,
                    Echo::new, DatagramOptions.DEFAULTS.withMaxDatagramSize(16));
            loop.createDatagramEndpoint(null, server.localAddress(), Client::new);
            loop.schedule(Duration.ofSeconds(10), loop::stop); // UDP may lose datagrams: never wait for ever
            loop.run();
        }   // close() ends both endpoints
    }
}
