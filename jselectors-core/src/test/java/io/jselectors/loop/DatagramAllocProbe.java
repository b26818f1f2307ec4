package io.jselectors.loop;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Measures the loop thread's allocation per UDP echo round trip (a connected client endpoint, a server
 * endpoint answering the sender) in a JVM of its own, like {@link AllocProbe}: prints
 * {@code bytes-per-round-trip=<value>}.
 */
public final class DatagramAllocProbe {
    private DatagramAllocProbe() {}

    /** Sends each datagram back to its sender. */
    static final class Echo implements DatagramProtocol {
        DatagramTransport t;

        @Override
        public void connectionMade(DatagramTransport transport) {
            t = transport;
        }

        @Override
        public void datagramReceived(MemorySegment data, SocketAddress sender, boolean truncated) {
            t.sendTo(data, sender);
        }
    }

    /** Sends a datagram, waits for it back, sends the next; measures per window until one is clean. */
    static final class PingPong implements DatagramProtocol {
        final MemorySegment message;
        final CompletableFuture<double[]> done = new CompletableFuture<>();
        DatagramTransport t;
        int trips;
        int windows;
        long startBytes;

        PingPong(MemorySegment message) {
            this.message = message;
        }

        @Override
        public void connectionMade(DatagramTransport transport) {
            t = transport;
        }

        void start() {
            startBytes = SteadyStateAllocationTest.allocatedBytes();
            t.send(message);
        }

        @Override
        public void datagramReceived(MemorySegment data, SocketAddress sender, boolean truncated) {
            if (++trips == SteadyStateAllocationTest.WINDOW) {
                double perTrip = (double) (SteadyStateAllocationTest.allocatedBytes() - startBytes) / trips;
                windows++;
                if (perTrip < 0.5 || windows == SteadyStateAllocationTest.MAX_WINDOWS) {
                    done.complete(new double[] {perTrip, windows});
                    return;
                }
                trips = 0;
                startBytes = SteadyStateAllocationTest.allocatedBytes();
            }
            t.send(message);
        }
    }

    public static void main(String[] args) throws Exception {
        String backend = args.length > 0 ? args[0] : "epoll";
        try (EventLoop loop = Backends.loop(backend); Arena arena = Arena.ofConfined()) {
            DatagramTransport server = loop.createDatagramEndpoint(
                    new InetSocketAddress("127.0.0.1", 0), null, Echo::new);
            MemorySegment msg = arena.allocate(100);
            msg.fill((byte) 'x');
            PingPong client = new PingPong(msg);
            loop.createDatagramEndpoint(null, server.localAddress(), () -> client);
            client.start();
            double[] r = Run.until(loop, client.done, Duration.ofSeconds(60));
            System.out.println("bytes-per-round-trip=" + r[0] + " in window " + (int) r[1] + " of "
                    + SteadyStateAllocationTest.WINDOW + " round trips");
        }
    }
}
