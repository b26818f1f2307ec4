package io.jselectors.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * More clients than --max-connections, and more than the server's fd limit: it stays responsive, serves
 * again once clients leave, and does not spin the CPU meanwhile.
 */
class EchoLimitsTest {
    /** "Not spinning": the server may use at most this share of one core while nothing is sent. */
    static final double IDLE_CPU_SHARE = 0.25;

    private static double cpuShareOver(ServerProcess s, long millis) throws InterruptedException {
        long cpu0 = s.cpuNanos();
        long t0 = System.nanoTime();
        Thread.sleep(millis);
        return (double) (s.cpuNanos() - cpu0) / (System.nanoTime() - t0);
    }

    @Test
    void connectionsBeyondMaxConnectionsAreClosedAtOnceAndCounted() throws Exception {
        int max = 50;
        int extra = 150;
        try (ServerProcess s = ServerProcess.start("--port", "0", "--max-connections", Integer.toString(max))) {
            List<Socket> kept = new ArrayList<>();
            List<Socket> rejected = new ArrayList<>();
            try {
                byte[] msg = Clients.randomBytes(1000, 1);
                for (int i = 0; i < max; i++) {
                    Socket c = Clients.connect(s.port(), 10_000);
                    kept.add(c);
                    Clients.roundTrip(c, msg); // accepted and counted before the next one
                }
                long t0 = System.nanoTime();
                int resetWhileConnecting = 0;
                for (int i = 0; i < extra; i++) {
                    try {
                        rejected.add(Clients.connect(s.port(), 5_000));
                    } catch (java.net.SocketException e) {
                        resetWhileConnecting++; // closed so fast that the reset came before connect() returned
                    }
                }
                for (Socket c : rejected) {
                    assertThat(Clients.closedByServer(c)).as("a connection beyond the limit is closed").isTrue();
                }
                double closeSecs = (System.nanoTime() - t0) / 1e9;
                for (Socket c : kept) {
                    Clients.roundTrip(c, msg);
                }
                double cpu = cpuShareOver(s, 2000);
                System.out.printf("max-connections %d: %d extra closed within %.2f s (%d reset during connect);"
                        + " server CPU while full %.1f%%%n", max, extra, closeSecs, resetWhileConnecting, cpu * 100);
                assertThat(cpu).as("server CPU share while at the limit").isLessThan(IDLE_CPU_SHARE);

                // Leaving frees places.
                for (int i = 0; i < 10; i++) {
                    kept.remove(0).close();
                }
                int servedAfter = 0;
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (servedAfter < 10 && System.nanoTime() < deadline) {
                    Socket c = Clients.connect(s.port(), 5_000);
                    try {
                        Clients.roundTrip(c, msg);
                        kept.add(c);
                        servedAfter++;
                    } catch (java.io.IOException e) {
                        c.close(); // the server had not yet seen the others leave: try again
                        Thread.sleep(100);
                    }
                }
                assertThat(servedAfter).as("new clients served after 10 left").isEqualTo(10);
            } finally {
                for (Socket c : kept) {
                    c.close();
                }
                for (Socket c : rejected) {
                    c.close();
                }
            }
            s.signal("TERM");
            assertThat(s.awaitExit(Duration.ofSeconds(30))).as(s.describe()).isZero();
            Matcher m = Pattern.compile("totals: connections=(\\d+) rejected=(\\d+)").matcher(String.join("\n", s.stdout()));
            assertThat(m.find()).as(s.describe()).isTrue();
            assertThat(Integer.parseInt(m.group(2))).as("rejected in the totals").isGreaterThanOrEqualTo(extra);
        }
    }

    @Test
    void moreClientsThanTheFdLimitAllows() throws Exception {
        int limit = 200;
        int clients = 400;
        // bash's ulimit, then exec: the server is the same process (pid) with RLIMIT_NOFILE lowered.
        List<String> underLimit = List.of("bash", "-c", "ulimit -n " + limit + " && exec \"$@\"", "ulimit-exec");
        try (ServerProcess s = ServerProcess.start(underLimit, List.of(), "--port", "0")) {
            byte[] msg = Clients.randomBytes(10_000, 2);
            try (Socket probe = Clients.connect(s.port(), 10_000)) {
                Clients.roundTrip(probe, msg);
                Thread.sleep(300);
                int baseline = s.openFds();
                assertThat(baseline).as("server fds before the flood").isLessThan(limit - 20);
                List<SocketChannel> flood = EchoStormTest.connectAll(s.port(), clients);
                try {
                    Thread.sleep(500); // the server accepts until it runs out of descriptors
                    int atLimit = s.openFds();
                    Clients.roundTrip(probe, msg); // still serving the connections it has
                    double cpu = cpuShareOver(s, 2000);
                    System.out.printf("fd limit %d: %d clients; server fds %d at the limit (baseline %d);"
                            + " CPU while at the limit %.1f%%%n", limit, clients, atLimit, baseline, cpu * 100);
                    assertThat(cpu).as("server CPU share while out of descriptors").isLessThan(IDLE_CPU_SHARE);
                    Clients.roundTrip(probe, msg);
                } finally {
                    for (SocketChannel ch : flood) {
                        EchoStormTest.reset(ch);
                    }
                }
                // Once the flood has gone, new clients are served again and the descriptors come back.
                long deadline = System.nanoTime() + 20_000_000_000L;
                boolean served = false;
                while (!served && System.nanoTime() < deadline) {
                    try {
                        Clients.roundTrip(s.port(), msg);
                        served = true;
                    } catch (java.io.IOException e) {
                        Thread.sleep(100);
                    }
                }
                assertThat(served).as("a new client served after the flood; " + s.describe()).isTrue();
                int after = s.awaitFdsAtMost(baseline, Duration.ofSeconds(20));
                assertThat(after).as("server fds after the flood (baseline " + baseline + ")").isLessThanOrEqualTo(baseline);
                Clients.roundTrip(probe, msg);
                // The loop's EMFILE warning reaches stderr once per loop and 10 s, not every 100 ms pause,
                // and nothing failed.
                long warnings = s.stderr().stream().filter(l -> l.contains("EMFILE")).count();
                assertThat(warnings).as(s.describe()).isBetween(1L, 2L * s.loops() * 2);
                assertThat(s.stderr()).as(s.describe()).allMatch(l -> l.startsWith("jselectors-echo: warning: "));
                assertThat(s.process().isAlive()).isTrue();
            }
        }
    }
}
