package io.jselectors.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Connection storms: clients that connect and reset at once, then clients that connect and vanish in the
 * middle of a message. The server goes on serving and its open descriptors return to where they were.
 */
class EchoStormTest {

    /** Connects n clients at once (non-blocking, completed together); returns them connected. */
    static List<SocketChannel> connectAll(int port, int n) throws IOException {
        List<SocketChannel> chans = new ArrayList<>(n);
        try (Selector sel = Selector.open()) {
            for (int i = 0; i < n; i++) {
                SocketChannel ch = SocketChannel.open();
                chans.add(ch);
                ch.configureBlocking(false);
                if (!ch.connect(Clients.loopback(port))) {
                    ch.register(sel, SelectionKey.OP_CONNECT);
                }
            }
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!sel.keys().isEmpty() && System.nanoTime() < deadline) {
                sel.select(500);
                for (SelectionKey k : sel.selectedKeys()) {
                    ((SocketChannel) k.channel()).finishConnect();
                    k.cancel();
                }
                sel.selectedKeys().clear();
                sel.selectNow(); // flush the cancelled keys
            }
            assertThat(sel.keys()).as("connections still pending").isEmpty();
        } catch (IOException | RuntimeException | Error e) {
            for (SocketChannel ch : chans) {
                ch.close();
            }
            throw e;
        }
        return chans;
    }

    /** Closes with SO_LINGER 0: the peer gets a reset (RST), not a FIN. */
    static void reset(SocketChannel ch) throws IOException {
        ch.setOption(StandardSocketOptions.SO_LINGER, 0);
        ch.close();
    }

    /** n clients connect, then all reset at once. */
    static void resetStorm(int port, int n) throws IOException {
        for (SocketChannel ch : connectAll(port, n)) {
            reset(ch);
        }
    }

    /**
     * n clients connect and each sends part of a message (1 byte to 32 KiB of a 64 KiB one), then vanish:
     * half reset, half close with the echo unread (which the kernel also turns into a reset).
     */
    static void vanishStorm(int port, int n, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        List<SocketChannel> chans = connectAll(port, n);
        ByteBuffer part = ByteBuffer.allocate(32 << 10);
        for (SocketChannel ch : chans) {
            part.clear().limit(1 + r.nextInt(part.capacity()));
            ch.write(part); // non-blocking; whatever fits is "mid-message"
        }
        for (int i = 0; i < chans.size(); i++) {
            if (i % 2 == 0) {
                reset(chans.get(i));
            } else {
                chans.get(i).close();
            }
        }
    }

    @Test
    void resetAndVanishStormsLeaveTheServerServingAndItsFdsAtBaseline() throws Exception {
        storms(2000, 2000);
    }

    @Tag("soak")
    @Test
    void soakTenRoundsOfStorms() throws Exception {
        for (int i = 0; i < 10; i++) {
            storms(5000, 5000);
        }
    }

    private static void storms(int resets, int vanishes) throws Exception {
        try (ServerProcess s = ServerProcess.start("--port", "0")) {
            // Warm up every path the storms take, so lazily opened files count in the baseline.
            resetStorm(s.port(), 20);
            vanishStorm(s.port(), 20, 1);
            Clients.roundTrip(s.port(), Clients.randomBytes(70_000, 1));
            Thread.sleep(300);
            int baseline = s.openFds();

            long t0 = System.nanoTime();
            resetStorm(s.port(), resets);
            Clients.roundTrip(s.port(), Clients.randomBytes(100_000, 2));
            int afterResets = s.awaitFdsAtMost(baseline, Duration.ofSeconds(20));

            vanishStorm(s.port(), vanishes, 3);
            EchoLoad.Result after = EchoLoad.run(Clients.loopback(s.port()), 50, 2, 64 << 10, 4, Duration.ofSeconds(60));
            assertThat(after.failures()).as("clients served after the storms; " + s.describe()).isEmpty();
            int afterVanishes = s.awaitFdsAtMost(baseline, Duration.ofSeconds(20));
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("storms: %d resets then %d vanishes in %.1f s; server fds: baseline %d, after the"
                    + " resets %d, after the vanishes %d%n", resets, vanishes, secs, baseline, afterResets, afterVanishes);
            assertThat(afterResets).as("server fds after the reset storm (baseline " + baseline + ")").isLessThanOrEqualTo(baseline);
            assertThat(afterVanishes).as("server fds after the vanish storm (baseline " + baseline + ")").isLessThanOrEqualTo(baseline);
            assertThat(s.process().isAlive()).isTrue();
        }
    }
}
