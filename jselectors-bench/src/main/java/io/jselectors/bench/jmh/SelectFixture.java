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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the select benchmarks share: n connected sockets registered for reading on one of our backends,
 * none or one of them ready, and a non-blocking {@code select(Duration, ReadyHandler)} over them. The
 * concrete classes declare the parameters: {@link SelectBench} (epoll and poll up to 10,000 sockets) and
 * {@link SelectBackendBench} (select(2), which takes fds below 1024 only).
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
public abstract class SelectFixture implements ReadyHandler {
    /** @return the backend's name, as {@link Backends#open(String)} takes it */
    abstract String backend();

    /** @return how many sockets are registered */
    abstract int n();

    /** @return how many of them are readable: 0 or 1 */
    abstract int ready();

    private SocketSet sockets;
    private Selector selector;
    private int seen;

    /** Connects the sockets and registers them all for reading. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        sockets = SocketSet.open(n());
        selector = Backends.open(backend());
        for (int i = 0; i < n(); i++) {
            selector.register(sockets.fd(i), Selector.EVENT_READ);
        }
        if (ready() == 1) {
            sockets.makeOneReady();
        }
        int got = selector.select(Duration.ZERO, this);
        if (got != ready()) {
            throw new IllegalStateException("expected " + ready() + " ready, select reported " + got);
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
