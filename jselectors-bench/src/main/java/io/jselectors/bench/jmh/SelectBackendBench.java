package io.jselectors.bench.jmh;

import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * {@link SelectBench} on the select(2) backend, which takes fds below 1024 only: n = 10 alone.
 */
@State(Scope.Benchmark)
public class SelectBackendBench extends SelectFixture {
    /** Our backend. */
    @Param({"select"})
    public String backend;

    /** Registered sockets. */
    @Param({"10"})
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
