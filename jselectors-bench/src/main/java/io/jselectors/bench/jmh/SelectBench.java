package io.jselectors.bench.jmh;

import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * A non-blocking select over n registered sockets with none or one of them ready, on our epoll and
 * poll backends, through the allocation-free {@code select(Duration, ReadyHandler)}.
 * {@link JdkSelectBench} runs the JDK's Selector on the same kind of sockets.
 */
@State(Scope.Benchmark)
public class SelectBench extends SelectFixture {
    /** Our backend. */
    @Param({"epoll", "poll"})
    public String backend;

    /** Registered sockets. */
    @Param({"10", "1000", "10000"})
    public int n;

    /** How many of them are readable: 0 or 1. */
    @Param({"0", "1"})
    public int ready;

    @Override
    String backend() {
        return backend;
    }

    @Override
    int n() {
        return n;
    }

    @Override
    int ready() {
        return ready;
    }
}
