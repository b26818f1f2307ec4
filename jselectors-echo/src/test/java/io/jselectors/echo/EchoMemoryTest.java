package io.jselectors.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A client that sends 64 MiB and reads nothing meanwhile: the server stops reading from it once its unsent
 * bytes pass --max-buffer, so its memory stays bounded; when the client reads, all 64 MiB come back.
 *
 * <p>"Reads nothing until it is done sending" cannot be met literally by a server with bounded memory: the
 * client's send blocks as soon as the server stops reading (that is the bound working). So the client
 * sends until it stalls, the test measures the server there, and only then does the client start reading.
 */
class EchoMemoryTest {
    static final long TOTAL = 64L << 20;
    static final long MAX_BUFFER = 256 << 10;
    /** The bound this test states: growth of the server's resident memory over the whole transfer. */
    static final long RSS_GROWTH_BOUND = 8L << 20;
    /** The server's own unsent bytes may pass --max-buffer by at most one read (64 KiB) plus slack. */
    static final long BUFFERED_BOUND = MAX_BUFFER + (128 << 10);

    private static final Pattern BUFFERED = Pattern.compile("buffered=([0-9.]+)(B|KiB|MiB|GiB) heap=([0-9.]+)(B|KiB|MiB|GiB)");

    static byte patternByte(long i) {
        return (byte) (i * 31 + (i >>> 11) * 7 + (i >>> 23));
    }

    static long bytes(String number, String unit) {
        double v = Double.parseDouble(number);
        return (long) (v * switch (unit) {
            case "KiB" -> 1024;
            case "MiB" -> 1024 * 1024;
            case "GiB" -> 1024 * 1024 * 1024;
            default -> 1;
        });
    }

    @Test
    void aClientThatDoesNotReadCostsTheServerBoundedMemoryAndGetsAllItsBytesBack() throws Exception {
        // Heap pre-touched at a fixed size: RSS growth then shows native memory (buffers, arenas) and JIT code.
        try (ServerProcess s = ServerProcess.start(List.of(), List.of("-Xms32m", "-Xmx32m", "-XX:+AlwaysPreTouch"),
                "--port", "0", "--max-buffer", Long.toString(MAX_BUFFER), "--stats", "0.25")) {
            // Warm up: the same paths, so the baseline includes compiled code and the loops' buffers.
            EchoLoad.Result warm = EchoLoad.run(Clients.loopback(s.port()), 8, 4, 256 << 10, 1, Duration.ofSeconds(60));
            assertThat(warm.failures()).isEmpty();
            Thread.sleep(500);
            long baseline = s.residentBytes();

            try (SocketChannel ch = SocketChannel.open(Clients.loopback(s.port()))) {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                AtomicLong sent = new AtomicLong();
                AtomicReference<Throwable> writeError = new AtomicReference<>();
                Thread writer = Thread.ofPlatform().name("writer-64MiB").start(() -> {
                    ByteBuffer chunk = ByteBuffer.allocateDirect(64 << 10);
                    try {
                        long off = 0;
                        while (off < TOTAL) {
                            chunk.clear();
                            int n = (int) Math.min(chunk.capacity(), TOTAL - off);
                            for (int i = 0; i < n; i++) {
                                chunk.put(patternByte(off + i));
                            }
                            chunk.flip();
                            while (chunk.hasRemaining()) {
                                off += ch.write(chunk);
                                sent.set(off);
                            }
                        }
                        ch.shutdownOutput();
                    } catch (Throwable e) {
                        writeError.set(e);
                    }
                });

                // Wait until the writer stalls: no progress for 1 s.
                long maxRss = baseline;
                long last = -1;
                long stillSince = System.nanoTime();
                long giveUp = System.nanoTime() + 60_000_000_000L;
                while (System.nanoTime() < giveUp) {
                    Thread.sleep(100);
                    maxRss = Math.max(maxRss, s.residentBytes());
                    long now = sent.get();
                    if (now != last) {
                        last = now;
                        stillSince = System.nanoTime();
                    } else if (System.nanoTime() - stillSince > 1_000_000_000L) {
                        break;
                    }
                }
                long sentWhenStalled = sent.get();
                long rssStalled = s.residentBytes();
                Matcher stats = s.awaitFreshLine(BUFFERED, Duration.ofSeconds(5)); // a line taken while stalled
                long buffered = bytes(stats.group(1), stats.group(2));
                long heap = bytes(stats.group(3), stats.group(4));

                assertThat(writeError.get()).isNull();
                assertThat(sentWhenStalled).as("the client stalls: the server stopped reading from it").isLessThan(TOTAL);
                assertThat(buffered).as("server's unsent bytes while stalled").isLessThanOrEqualTo(BUFFERED_BOUND);

                // Now read everything back while the writer finishes.
                ByteBuffer in = ByteBuffer.allocateDirect(256 << 10);
                long got = 0;
                long deadline = System.nanoTime() + 120_000_000_000L;
                while (System.nanoTime() < deadline) {
                    in.clear();
                    int n = ch.read(in);
                    if (n < 0) {
                        break;
                    }
                    in.flip();
                    for (int i = 0; i < n; i++) {
                        byte b = in.get(i);
                        if (b != patternByte(got + i)) {
                            throw new AssertionError("byte " + (got + i) + " differs");
                        }
                    }
                    got += n;
                    if ((got & ((4 << 20) - 1)) < n) {
                        maxRss = Math.max(maxRss, s.residentBytes());
                    }
                }
                writer.join(30_000);
                maxRss = Math.max(maxRss, s.residentBytes());
                assertThat(writeError.get()).isNull();
                assertThat(got).as("bytes echoed").isEqualTo(TOTAL);
                long growth = maxRss - baseline;
                System.out.printf("64 MiB non-reading client: stalled after %.1f MiB sent; server buffered %s,"
                                + " heap %s; RSS baseline %.1f MiB, at stall %.1f MiB, max %.1f MiB (growth %.2f MiB,"
                                + " bound %d MiB); all %d MiB came back%n",
                        sentWhenStalled / 1048576.0, EchoStats.human(buffered), EchoStats.human(heap),
                        baseline / 1048576.0, rssStalled / 1048576.0, maxRss / 1048576.0, growth / 1048576.0,
                        RSS_GROWTH_BOUND >> 20, TOTAL >> 20);
                assertThat(growth).as("server RSS growth over the transfer").isLessThanOrEqualTo(RSS_GROWTH_BOUND);
            } catch (IOException e) {
                throw new AssertionError(e + "; " + s.describe(), e);
            }
        }
    }
}
