package io.jselectors.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A great many open, quiet connections: the server spends (almost) no CPU on them, each costs it little
 * memory, and every one of them still echoes.
 */
class EchoIdleTest {
    @Test
    void fiveThousandIdleConnections() throws Exception {
        run(5000);
    }

    @Tag("soak")
    @Test
    void fifteenThousandIdleConnections() throws Exception {
        run(15000);
    }

    private static void run(int n) throws Exception {
        try (ServerProcess s = ServerProcess.start("--port", "0")) {
            Clients.roundTrip(s.port(), Clients.randomBytes(1000, 1));
            Thread.sleep(300);
            long rss0 = s.residentBytes();
            List<SocketChannel> idle = EchoStormTest.connectAll(s.port(), n);
            try {
                // Every connection is accepted, then the server goes quiet.
                long deadline = System.nanoTime() + 30_000_000_000L;
                int fds = s.openFds();
                while (fds < n && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                    fds = s.openFds();
                }
                Thread.sleep(500);
                long rss1 = s.residentBytes();
                long cpu0 = s.cpuNanos();
                long t0 = System.nanoTime();
                Thread.sleep(2000);
                double cpu = (double) (s.cpuNanos() - cpu0) / (System.nanoTime() - t0);
                // Each still echoes: one byte on every connection, then every echo read back.
                ByteBuffer one = ByteBuffer.allocate(1);
                for (SocketChannel ch : idle) {
                    ch.configureBlocking(true);
                    one.clear().put((byte) 'x').flip();
                    ch.write(one);
                }
                for (SocketChannel ch : idle) {
                    one.clear();
                    assertThat(ch.read(one)).as("echo of one byte").isEqualTo(1);
                    assertThat(one.get(0)).isEqualTo((byte) 'x');
                }
                System.out.printf("%d idle connections: server fds %d, RSS +%.1f MiB (%.1f KiB per connection),"
                                + " CPU while idle %.2f%% of a core%n", n, fds, (rss1 - rss0) / 1048576.0,
                        (rss1 - rss0) / 1024.0 / n, cpu * 100);
                assertThat(fds).as("server fds").isGreaterThanOrEqualTo(n);
                assertThat(cpu).as("server CPU share with only idle connections").isLessThan(0.05);
            } finally {
                for (SocketChannel ch : idle) {
                    ch.close();
                }
            }
        }
    }
}
