package io.jselectors.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Tag;
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
    @CsvSource({"epoll, 1000, 3", "poll, 1000, 3", "select, 600, 3"})
    void everyByteComesBackOnEveryBackend(String backend, int clients, int messages) throws Exception {
        run(backend, clients, messages, 42);
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
