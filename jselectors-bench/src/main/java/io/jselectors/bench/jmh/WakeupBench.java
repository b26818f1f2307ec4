package io.jselectors.bench.jmh;

import io.jselectors.ReadyHandler;
import io.jselectors.Selector;
import io.jselectors.SelectorKey;
import java.io.IOException;
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
 * A wakeup round trip across two threads: the benchmark thread wakes a peer blocked in select on
 * selector B, then blocks in select on selector A until the peer wakes it back.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {
    "--enable-native-access=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--sun-misc-unsafe-memory-access=allow"
})
public class WakeupBench {
    /** epoll, poll, select or jdk. */
    @Param({"epoll", "poll", "jdk"})
    public String backend;

    private static final ReadyHandler NONE = (SelectorKey key, int events) -> {};

    private Selector a;
    private Selector b;
    private java.nio.channels.Selector jdkA;
    private java.nio.channels.Selector jdkB;
    private volatile boolean running;
    private Thread peer;

    /** Opens the two selectors and starts the peer thread. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        running = true;
        if (backend.equals("jdk")) {
            jdkA = java.nio.channels.Selector.open();
            jdkB = java.nio.channels.Selector.open();
            peer = Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (running) {
                        jdkB.select();
                        jdkA.wakeup();
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
        } else {
            a = Backends.open(backend);
            b = Backends.open(backend);
            peer = Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (running) {
                        b.select(null, NONE);
                        a.wakeup();
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    /** Stops the peer and closes the selectors. */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        running = false;
        if (jdkB != null) {
            jdkB.wakeup();
            peer.join();
            jdkA.close();
            jdkB.close();
        } else {
            b.wakeup();
            peer.join();
            a.close();
            b.close();
        }
    }

    /** @return ready count (0: woken) */
    @Benchmark
    public int roundTrip() throws IOException {
        if (jdkA != null) {
            jdkB.wakeup();
            return jdkA.select();
        }
        b.wakeup();
        return a.select(null, NONE);
    }
}
