package io.jselectors.bench.jmh;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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
 * The JDK's {@link java.nio.channels.Selector#selectNow()} over n registered socket channels with none
 * or one ready: the selected-key-set form (iterate, then clear) and the {@code Consumer} form (JDK 11+).
 * The peer of {@link SelectBench}.
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
public class JdkSelectBench implements Consumer<SelectionKey> {
    /** selectedKeys or consumer. */
    @Param({"selectedKeys", "consumer"})
    public String form;

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
        selector = Selector.open();
        for (int i = 0; i < n; i++) {
            sockets.channels.get(i).register(selector, SelectionKey.OP_READ);
        }
        if (ready == 1) {
            sockets.makeOneReady();
        }
        int got = selector.selectNow();
        selector.selectedKeys().clear();
        if (got != ready) {
            throw new IllegalStateException("expected " + ready + " ready, selectNow reported " + got);
        }
    }

    /** Closes the selector and the sockets. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        selector.close();
        sockets.close();
    }

    /** @return how many keys were selected */
    @Benchmark
    public int selectNow() throws IOException {
        if (form.equals("consumer")) {
            return selector.selectNow(this);
        }
        int n = selector.selectNow();
        Set<SelectionKey> keys = selector.selectedKeys();
        if (!keys.isEmpty()) {
            for (Iterator<SelectionKey> it = keys.iterator(); it.hasNext(); ) {
                accept(it.next());
                it.remove();
            }
        }
        return n;
    }

    @Override
    public void accept(SelectionKey key) {
        seen += key.readyOps();
    }
}
