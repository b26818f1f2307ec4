package io.jselectors.echo;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.KqueueSelector;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Many concurrent clients pipelining messages of random sizes (1 byte to 256 KiB): every byte comes back,
 * in order, on every backend.
 *
 * <p>select() is limited to descriptors below 1024 (FD_SETSIZE), and the server's JVM already holds a few
 * dozen, so on select the server gets 600 clients instead of 1,000.
 */
class EchoLoadTest {
    static final int MAX_MESSAGE = 256 * 1024;

    @ParameterizedTest(name = "{0}: {1} clients x {2} messages")
    @CsvSource({"epoll, 1000, 5", "kqueue, 1000, 5", "poll, 1000, 5", "select, 600, 5"})
    void everyByteComesBackOnEveryBackend(String backend, int clients, int messages) throws Exception {
        run(backend, clients, messages, 42);
    }

    /**
     * select() cannot watch a descriptor of 1024 or more: the loop closes such connections at once (the
     * client sees a reset). The server survives, serves the next clients, and its fds come back.
     */
    @Test
    void selectResetsWhatItCannotWatchAndGoesOnServing() throws Exception {
        try (ServerProcess s = ServerProcess.start("--port", "0", "--backend", "select")) {
            Clients.roundTrip(s.port(), Clients.randomBytes(1000, 1));
            Thread.sleep(200);
            int baseline = s.openFds();
            // 1,100 connections held open together: the server's descriptors pass 1024.
            List<Socket> held = new ArrayList<>();
            int echoed = 0;
            int reset = 0;
            try {
                for (int i = 0; i < 1100; i++) {
                    held.add(Clients.connect(s.port(), 5_000));
                }
                byte[] msg = Clients.randomBytes(100, 5);
                for (Socket c : held) {
                    try {
                        Clients.roundTrip(c, msg);
                        echoed++;
                    } catch (SocketTimeoutException e) {
                        throw new AssertionError("a connection neither served nor closed; " + s.describe(), e);
                    } catch (IOException e) {
                        reset++; // closed by the loop: its descriptor was past what select() can watch
                    }
                }
            } finally {
                for (Socket c : held) {
                    c.close();
                }
            }
            assertThat(reset).as("connections past fd 1024, reset").isPositive();
            assertThat(echoed).as("connections echoed").isGreaterThan(900);
            EchoLoad.Result after = EchoLoad.run(Clients.loopback(s.port()), 100, 2, 64 << 10, 6, Duration.ofSeconds(60));
            assertThat(after.failures()).as(after + "; " + s.describe()).isEmpty();
            int fds = s.awaitFdsAtMost(baseline, Duration.ofSeconds(20));
            System.out.printf("select past fd 1024: of 1100 connections held open %d echoed, %d reset; then %d"
                    + " clients served; fds %d (baseline %d)%n", echoed, reset, after.clients(), fds, baseline);
            assertThat(fds).isLessThanOrEqualTo(baseline);
        }
    }

    @Tag("soak")
    @ParameterizedTest(name = "soak {0}: {1} clients x {2} messages")
    @CsvSource({"epoll, 5000, 8", "poll, 5000, 8", "select, 900, 8"})
    void soakEveryByteComesBack(String backend, int clients, int messages) throws Exception {
        run(backend, clients, messages, 7);
    }

    private static void run(String backend, int clients, int messages, long seed) throws Exception {
        if (backend.equals("kqueue") && !KqueueSelector.isAvailable()) {
            String why = "no kqueue on " + System.getProperty("os.name") + " (to test it through libkqueue: bin/test -D"
                    + KqueueSelector.LIBRARY_PROPERTY + "=/path/to/libkqueue.so)";
            System.out.println("SKIPPED EchoLoadTest on kqueue: " + why);
            Assumptions.abort(why);
        }
        try (ServerProcess s = ServerProcess.start("--port", "0", "--backend", backend)) {
            assertThat(s.backend()).isEqualTo(backend);
            EchoLoad.Result r = EchoLoad.run(Clients.loopback(s.port()), clients, messages, MAX_MESSAGE, seed,
                    Duration.ofSeconds(120));
            System.out.println("echo load on " + backend + ": " + r);
            assertThat(r.failures()).as(r + "; " + s.describe()).isEmpty();
            s.signal("TERM");
            assertThat(s.awaitExit(Duration.ofSeconds(30))).as(s.describe()).isZero();
        }
    }
}
