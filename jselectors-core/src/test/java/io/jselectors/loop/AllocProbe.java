package io.jselectors.loop;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Measures the loop thread's allocation per echo round trip in a JVM of its own, as an application
 * would run it: {@code java AllocProbe <backend>} prints {@code bytes-per-round-trip=<value>}.
 *
 * <p>A JVM that has run many other tests first can compile the FFM downcall stubs without escape
 * analysis of their internal errno-capture slice (tens of bytes per call); a fresh JVM shows what the
 * loop itself costs.
 */
public final class AllocProbe {
    private AllocProbe() {}

    public static void main(String[] args) throws Exception {
        String backend = args.length > 0 ? args[0] : "epoll";
        try (EventLoop loop = Backends.loop(backend); Arena arena = Arena.ofConfined()) {
            Server server = loop.createServer(new InetSocketAddress("127.0.0.1", 0), SteadyStateAllocationTest.Echo::new);
            MemorySegment msg = arena.allocate(100);
            msg.fill((byte) 'x');
            SteadyStateAllocationTest.PingPong client = new SteadyStateAllocationTest.PingPong(msg);
            Run.until(loop, loop.connect(server.localAddress(), client, Duration.ofSeconds(5)));
            double[] r = Run.until(loop, client.done, Duration.ofSeconds(60));
            System.out.println("bytes-per-round-trip=" + r[0] + " in window " + (int) r[1] + " of "
                    + SteadyStateAllocationTest.WINDOW + " round trips");
            client.t.close();
            server.close();
        }
    }
}
