package io.jselectors.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
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
    @CsvSource({"epoll, 1000, 5", "poll, 1000, 5", "select, 600, 5"})
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
            EchoLoad.Result over = EchoLoad.run(Clients.loopback(s.port()), 1100, 1, 16 << 10, 5, Duration.ofSeconds(60));
            // Everything the server could watch was echoed exactly; the rest were reset, never garbled.
            assertThat(over.failures()).as(over.toString()).allMatch(f -> f.contains("reset") || f.contains("Broken pipe"));
            assertThat(over.failures()).as("clients beyond fd 1024").isNotEmpty();
            EchoLoad.Result after = EchoLoad.run(Clients.loopback(s.port()), 100, 2, 64 << 10, 6, Duration.ofSeconds(60));
            assertThat(after.failures()).as(after + "; " + s.describe()).isEmpty();
            int fds = s.awaitFdsAtMost(baseline, Duration.ofSeconds(20));
            System.out.printf("select past fd 1024: %d of %d clients reset, then %d served; fds %d (baseline %d)%n",
                    over.failures().size(), over.clients(), after.clients(), fds, baseline);
            assertThat(fds).isLessThanOrEqualTo(baseline);
        }
    }

    @Tag("soak")
    @ParameterizedTest(name = "soak {0}: {1} clients x {2} messages")
    @CsvSource({"epoll, 5000, 20", "poll, 5000, 20", "select, 900, 20"})
    void soakEveryByteComesBack(String backend, int clients, int messages) throws Exception {
        run(backend, clients, messages, 7);
    }

    private static void run(String backend, int clients, int messages, long seed) throws Exception {
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
