package io.jselectors.bench.jmh;

import io.jselectors.ReadyHandler;
import io.jselectors.Selector;
import io.jselectors.SelectorKey;
import java.io.IOException;
import java.time.Duration;
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
 * A non-blocking select over n registered sockets with none or one of them ready, on our epoll and
 * poll backends, through the allocation-free {@code select(Duration, ReadyHandler)}.
 * {@link JdkSelectBench} runs the JDK's Selector on the same kind of sockets.
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
public class SelectBench implements ReadyHandler {
    /** Our backend. */
    @Param({"epoll", "poll"})
    public String backend;

    /** Registered sockets. */
    @Param({"10", "1000", "10000"})
    public int n;

    /** How many of them are readable: 0 or 1. */
    @Param({"0", "1"})
    public int ready;

    private SocketSet sockets;
    private Selector selector;
    private int seen;

    /** Connects the sockets and registers them all for reading. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        sockets = SocketSet.open(n);
        selector = Backends.open(backend);
        for (int i = 0; i < n; i++) {
            selector.register(sockets.fd(i), Selector.EVENT_READ);
        }
        if (ready == 1) {
            sockets.makeOneReady();
        }
        int got = selector.select(Duration.ZERO, this);
        if (got != ready) {
            throw new IllegalStateException("expected " + ready + " ready, select reported " + got);
        }
    }

    /** Closes the selector and the sockets. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        selector.close();
        sockets.close();
    }

    /** @return how many files were handed to the handler (0 or 1) */
    @Benchmark
    public int selectNow() throws IOException {
        return selector.select(Duration.ZERO, this);
    }

    @Override
    public void ready(SelectorKey key, int events) {
        seen += events;
    }
}
