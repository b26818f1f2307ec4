package io.jselectors.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.bench.load.LoadConfig;
import io.jselectors.bench.load.LoadFailure;
import io.jselectors.bench.load.LoadGenerator;
import io.jselectors.bench.load.LoadResult;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The load generator accepts a faithful echo and fails on every way an echo can go wrong. */
class LoadGeneratorVerificationTest {
    private static LoadConfig config(TestEchoServer s, int connections, int size, int pipeline, int idle) {
        return new LoadConfig(s.address(), connections, size, pipeline, Duration.ofMillis(100), Duration.ofMillis(500),
                idle, ProcessHandle.current().pid(), false);
    }

    @Test
    void faithfulEchoPassesAndIsMeasured() throws Exception {
        try (TestEchoServer s = new TestEchoServer(TestEchoServer.Mode.ECHO, -1)) {
            LoadResult r = new LoadGenerator(config(s, 4, 100, 3, 2)).run();
            assertThat(r.messages()).isPositive();
            assertThat(r.p50Micros()).isPositive();
            assertThat(r.p99Micros()).isGreaterThanOrEqualTo(r.p50Micros());
            assertThat(r.maxMicros()).isGreaterThanOrEqualTo(r.p99Micros());
            assertThat(r.serverCpu()).isNotNull();
            assertThat(r.serverRssBytes()).isPositive();
            assertThat(r.toJson()).contains("\"messages\":" + r.messages()).startsWith("{").endsWith("}");
            assertThat(r.summary()).contains("4 conns (+2 idle) x 100 B, pipeline 3");
        }
    }

    @Test
    void aPacedRunKeepsToItsRate() throws Exception {
        try (TestEchoServer s = new TestEchoServer(TestEchoServer.Mode.ECHO, -1)) {
            LoadConfig c = new LoadConfig(s.address(), 10, 64, 1, Duration.ofMillis(200), Duration.ofSeconds(1), 0,
                    ProcessHandle.current().pid(), false, 2_000);
            LoadResult r = new LoadGenerator(c).run();
            // Never faster than asked (the closed loop on this echo runs at tens of thousands a second);
            // slower only when this machine is too busy to keep up, so the lower bound is loose.
            assertThat(r.messagesPerSecond()).isBetween(1_000.0, 2_200.0);
        }
    }

    @Test
    void aRateWithoutActiveConnectionsIsRefused() {
        assertThatThrownBy(() -> new LoadConfig(new java.net.InetSocketAddress("127.0.0.1", 1), 0, 64, 1,
                Duration.ZERO, Duration.ofSeconds(1), 5, 0, false, 100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--rate");
    }

    @Test
    void largeMessagesAcrossManyReadsPass() throws Exception {
        try (TestEchoServer s = new TestEchoServer(TestEchoServer.Mode.ECHO, -1)) {
            LoadResult r = new LoadGenerator(config(s, 2, 100_000, 2, 0)).run();
            assertThat(r.messages()).isPositive();
        }
    }

    @Test
    void oneCorruptedByteFailsTheRun() throws Exception {
        try (TestEchoServer s = new TestEchoServer(TestEchoServer.Mode.CORRUPT, 5_000)) {
            assertThatThrownBy(() -> new LoadGenerator(config(s, 3, 64, 2, 0)).run())
                    .isInstanceOf(LoadFailure.class)
                    .hasMessageContaining("came back as")
                    .hasMessageContaining("expected");
        }
    }

    @Test
    void aConnectionClosedByTheServerFailsTheRun() throws Exception {
        try (TestEchoServer s = new TestEchoServer(TestEchoServer.Mode.CLOSE, 3_000)) {
            assertThatThrownBy(() -> new LoadGenerator(config(s, 3, 64, 1, 0)).run())
                    .isInstanceOf(LoadFailure.class)
                    .message()
                    .satisfiesAnyOf(m -> assertThat(m).contains("closed by the server"),
                            m -> assertThat(m).contains("dropped"));
        }
    }

    @Test
    void bytesOnAnIdleConnectionFailTheRun() throws Exception {
        try (TestEchoServer s = new TestEchoServer(TestEchoServer.Mode.CHATTY, -1)) {
            assertThatThrownBy(() -> new LoadGenerator(config(s, 0, 64, 1, 3)).run())
                    .isInstanceOf(LoadFailure.class)
                    .hasMessageContaining("idle connection")
                    .hasMessageContaining("unexpected bytes");
        }
    }

    @Test
    void bytesNobodySentFailTheRun() throws Exception {
        try (TestEchoServer s = new TestEchoServer(TestEchoServer.Mode.CHATTY, -1)) {
            assertThatThrownBy(() -> new LoadGenerator(config(s, 1, 64, 1, 0)).run())
                    .isInstanceOf(LoadFailure.class)
                    .message()
                    .satisfiesAnyOf(m -> assertThat(m).contains("only"), m -> assertThat(m).contains("came back as"));
        }
    }
}
