package io.jselectors.bench.jmh;

import io.jselectors.Readiness;
import io.jselectors.ReadyHandler;
import io.jselectors.Selector;
import io.jselectors.SelectorKey;
import io.jselectors.net.StreamSocket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Wake-up latency of {@link Readiness#await} against a {@link Selector#select} wake-up: a one-byte ping-pong
 * over a socketpair. The benchmark thread writes a byte and waits in its own epoll select for the answer;
 * the peer waits for the byte, reads it and writes it back. Only the peer's way of waiting changes:
 * {@code selector} (a platform thread in select on its own selector), {@code readiness-platform},
 * {@code readiness-virtual} (a virtual thread, parked through the library's waiter thread).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class ReadinessBench {
    /** How the peer waits for the ping. */
    @Param({"selector", "readiness-platform", "readiness-virtual"})
    public String peerWaits;

    private static final ReadyHandler NONE = (SelectorKey key, int events) -> {};

    private StreamSocket a;
    private StreamSocket b;
    private Selector mine;
    private final ByteBuffer one = ByteBuffer.allocateDirect(1);
    private Thread peer;

    /** Opens the pair and starts the peer. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        StreamSocket[] pair = StreamSocket.pair();
        a = pair[0];
        b = pair[1];
        mine = Selector.open();
        mine.register(a, Selector.EVENT_READ);
        Runnable loop = peerWaits.equals("selector") ? this::selectorPeer : this::readinessPeer;
        peer = peerWaits.equals("readiness-virtual")
                ? Thread.ofVirtual().name("bench-peer").start(loop)
                : Thread.ofPlatform().name("bench-peer").daemon().start(loop);
    }

    private void selectorPeer() {
        ByteBuffer buf = ByteBuffer.allocateDirect(1);
        try (Selector sel = Selector.open()) {
            sel.register(b, Selector.EVENT_READ);
            while (true) {
                sel.select(null, NONE);
                if (!echo(buf)) {
                    return;
                }
            }
        } catch (IOException e) {
            // closed at tear-down
        }
    }

    private void readinessPeer() {
        ByteBuffer buf = ByteBuffer.allocateDirect(1);
        try {
            while (Readiness.await(b, Selector.EVENT_READ, null) != 0) {
                if (!echo(buf)) {
                    return;
                }
            }
        } catch (IOException e) {
            // closed at tear-down
        }
    }

    /** @return false at end of stream */
    private boolean echo(ByteBuffer buf) throws IOException {
        int n = b.read(buf.clear());
        if (n < 0) {
            return false;
        }
        if (n > 0) {
            b.write(buf.flip());
        }
        return true;
    }

    /** Ends the peer and closes everything. */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        a.shutdownOutput();
        peer.join(5000);
        mine.close();
        a.close();
        b.close();
    }

    /** @return the bytes read back (1) */
    @Benchmark
    public int pingPong() throws IOException {
        a.write(one.clear());
        int n;
        while ((n = a.read(one.clear())) == 0) {
            mine.select(null, NONE);
        }
        return n;
    }
}
