package io.jselectors.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Half-close, idle timeout, the stats line, and the graceful stop on SIGTERM and SIGINT. */
class EchoLifecycleTest {
    private static final Duration EXIT = Duration.ofSeconds(60);
    private static final Pattern TOTALS = Pattern.compile("totals: connections=(\\d+) rejected=(\\d+)");

    @Test
    void halfCloseEchoesEverythingThenCloses() throws Exception {
        try (ServerProcess s = ServerProcess.start("--port", "0");
             Socket c = Clients.connect(s.port(), 20_000)) {
            byte[] msg = Clients.randomBytes(3 << 20, 1);
            OutputStream out = c.getOutputStream();
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    out.write(msg);
                    c.shutdownOutput();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            byte[] back = Clients.readExactly(c.getInputStream(), msg.length);
            writer.join(20_000);
            assertThat(Arrays.mismatch(back, msg)).as("first differing byte").isEqualTo(-1);
            assertThat(c.getInputStream().read()).as("EOF after the last echo").isEqualTo(-1);
        }
    }

    @Test
    void silentConnectionIsClosedAfterTheIdleTimeoutAndABusyOneIsNot() throws Exception {
        try (ServerProcess s = ServerProcess.start("--port", "0", "--idle-timeout", "1s", "--loops", "1");
             Socket silent = Clients.connect(s.port(), 10_000);
             Socket busy = Clients.connect(s.port(), 10_000)) {
            long start = System.nanoTime();
            byte[] ping = "ping".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Thread pinger = Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < 12; i++) { // 3 s of a ping every 250 ms
                        Clients.roundTrip(busy, ping);
                        Thread.sleep(250);
                    }
                } catch (Exception e) {
                    throw new RuntimeException("busy connection failed after " + (System.nanoTime() - start) / 1e9
                            + " s: " + e, e);
                }
            });
            assertThat(Clients.closedByServer(silent)).as("silent connection closed").isTrue();
            double closedAfter = (System.nanoTime() - start) / 1e9;
            assertThat(closedAfter).as("seconds until the silent connection was closed").isBetween(0.9, 5.0);
            pinger.join(20_000);
            assertThat(pinger.isAlive()).isFalse();
            Clients.roundTrip(busy, ping); // still open after 3 s of pings 250 ms apart
            System.out.printf("idle timeout 1s: silent connection closed after %.2f s%n", closedAfter);
        }
    }

    @Test
    void statsLinePrintsConnectionsBytesAndMessagesPerSecond() throws Exception {
        try (ServerProcess s = ServerProcess.start("--port", "0", "--stats", "0.5");
             Socket c = Clients.connect(s.port(), 10_000)) {
            Pattern stats = Pattern.compile("^stats: connections=(\\d+) accepted/s=\\d+ rejected/s=\\d+ "
                    + "bytes/s=(\\S+) messages/s=(\\d+) buffered=\\S+ heap=\\S+");
            byte[] msg = Clients.randomBytes(100_000, 2);
            long until = System.nanoTime() + 1_500_000_000L; // traffic across at least two stats lines
            while (System.nanoTime() < until) {
                Clients.roundTrip(c, msg);
            }
            List<String> seen = new ArrayList<>();
            boolean sawTraffic = false;
            for (int i = 0; i < 12 && !sawTraffic; i++) {
                Matcher m = s.awaitLine(stats, Duration.ofSeconds(10));
                seen.add(m.group());
                sawTraffic = m.group(1).equals("1") && Integer.parseInt(m.group(3)) > 0
                        && !m.group(2).equals("0B");
            }
            assertThat(sawTraffic).as("a stats line with 1 connection and traffic among " + seen).isTrue();
        }
    }

    @Test
    void sigtermStopsAcceptingFinishesTheEchoesInFlightAndExitsZero() throws Exception {
        try (ServerProcess s = ServerProcess.start("--port", "0", "--max-buffer", "64k", "--grace", "20s")) {
            List<Socket> idle = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                idle.add(Clients.connect(s.port(), 20_000));
            }
            // A client with 4 MiB of echoes in flight: it has sent them and read nothing yet.
            Socket busy = Clients.connect(s.port(), 20_000);
            byte[] big = Clients.randomBytes(4 << 20, 3);
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    busy.getOutputStream().write(big);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(300);
            s.signal("TERM");
            s.awaitLine(Pattern.compile("^stopping \\(SIGTERM\\)"), Duration.ofSeconds(20));
            // New connections are refused once it stopped accepting.
            assertConnectRefused(s.port());
            // The busy client gets every byte it sent, then EOF.
            byte[] back = Clients.readExactly(busy.getInputStream(), big.length);
            writer.join(20_000);
            assertThat(Arrays.mismatch(back, big)).as("first differing byte").isEqualTo(-1);
            assertThat(busy.getInputStream().read()).as("EOF after the last echo").isEqualTo(-1);
            busy.close();
            for (Socket c : idle) {
                assertThat(c.getInputStream().read()).as("idle client reads EOF").isEqualTo(-1);
                c.close();
            }
            assertThat(s.awaitExit(EXIT)).as(s.describe()).isZero();
            Matcher totals = TOTALS.matcher(String.join("\n", s.stdout()));
            assertThat(totals.find()).as(s.describe()).isTrue();
            assertThat(Integer.parseInt(totals.group(1))).isEqualTo(21);
        }
    }

    @Test
    void sigintWithClientsConnectedExitsZeroWithTotals() throws Exception {
        try (ServerProcess s = ServerProcess.start("--port", "0", "--grace", "30s")) {
            Socket c = Clients.connect(s.port(), 20_000);
            long start;
            try {
                Clients.roundTrip(c, Clients.randomBytes(1000, 4));
                start = System.nanoTime();
                s.signal("INT");
                assertThat(Clients.closedByServer(c)).as("EOF from the server").isTrue();
            } finally {
                c.close(); // the server stops as soon as its last client has gone, well before the grace
            }
            assertThat(s.awaitExit(EXIT)).as(s.describe()).isZero();
            assertThat((System.nanoTime() - start) / 1e9).as("seconds to stop (grace 30 s)").isLessThan(15);
            assertThat(String.join("\n", s.stdout())).contains("stopping (SIGINT)").contains("totals: connections=1 ");
        }
    }

    @Test
    void graceBoundsAStopWhenAClientNeverReads() throws Exception {
        try (ServerProcess s = ServerProcess.start("--port", "0", "--max-buffer", "16k", "--grace", "1s");
             Socket stuck = Clients.connect(s.port(), 20_000)) {
            Thread writer = Thread.ofPlatform().daemon().start(() -> {
                try {
                    OutputStream out = stuck.getOutputStream();
                    byte[] chunk = new byte[65536];
                    while (true) {
                        out.write(chunk); // blocks when the server stops reading; ends when it aborts
                    }
                } catch (IOException e) {
                    // the server aborted the connection at the end of the grace period
                }
            });
            Thread.sleep(500);
            long start = System.nanoTime();
            s.signal("TERM");
            assertThat(s.awaitExit(EXIT)).as(s.describe()).isZero();
            double secs = (System.nanoTime() - start) / 1e9;
            assertThat(secs).as("seconds to stop with a 1 s grace").isLessThan(8);
            assertThat(String.join("\n", s.stdout()))
                    .contains("grace period over: cut off 1 connection in the middle of an echo");
            writer.join(10_000);
        }
    }

    @Test
    void graceTellsAnIdleClientThatKeptItsSocketFromOneCutOff() throws Exception {
        try (ServerProcess s = ServerProcess.start("--port", "0", "--grace", "1s");
             Socket idle = Clients.connect(s.port(), 20_000)) {
            Clients.roundTrip(idle, Clients.randomBytes(100, 7));
            s.signal("TERM");
            assertThat(Clients.closedByServer(idle)).as("EOF after the last echo").isTrue();
            // The client keeps its socket open: the grace period ends with it idle, not mid-echo.
            assertThat(s.awaitExit(EXIT)).as(s.describe()).isZero();
            assertThat(String.join("\n", s.stdout()))
                    .contains("grace period over: closed 1 idle connection (all echoed; its client kept it open)")
                    .doesNotContain("cut off");
        }
    }

    @Test
    void graceLineNamesBothKinds() {
        assertThat(EchoMain.graceOverLine(2, 1)).isEqualTo("grace period over: closed 2 idle connections (all echoed;"
                + " their clients kept them open) and cut off 1 connection in the middle of an echo");
        assertThat(EchoMain.graceOverLine(0, 3)).isEqualTo("grace period over: cut off 3 connections in the middle of an echo");
    }

    private static void assertConnectRefused(int port) throws IOException {
        try (Socket late = new Socket()) {
            late.connect(Clients.loopback(port), 5000);
            InputStream in = late.getInputStream();
            late.setSoTimeout(5000);
            throw new AssertionError("connected after SIGTERM; read " + in.read());
        } catch (ConnectException expected) {
            // refused: nothing listens any more
        }
    }
}
