package io.jselectors.bench.jmh;

import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * {@link SelectBench} on the kqueue backend. Where there is no kqueue in the C library (Linux), it
 * runs on the library named by {@code -Djselectors.kqueue.library} or {@code JSELECTORS_KQUEUE_LIBRARY}
 * (libkqueue), and only then: {@code jmh} with no arguments leaves it out where kqueue is missing.
 *
 * <p>On Linux through libkqueue this is <b>not a fair speed comparison</b> with epoll: libkqueue is a
 * user-space emulation of kqueue on top of epoll, with its own locking and copying per call. Its
 * numbers say what the emulation costs, not what kqueue costs on macOS or FreeBSD.
 */
@State(Scope.Benchmark)
public class KqueueSelectBench extends SelectFixture {
    /** Our backend. */
    @Param({"kqueue"})
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
