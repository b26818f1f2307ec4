package io.jselectors.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The load harness as tests: a short smoke run by default, the 10,000-idle-connection run with
 * {@code bin/test -Psoak}. Both print their figures; neither asserts speed (speed is compared within
 * one run, in the printed ratio).
 */
class LoadTest {
    @Test
    void smokeServesActiveTrafficBesideIdleConnections() throws Exception {
        // The JDK's NIO keeps a descriptor of its own from first use: open one channel before counting.
        java.nio.channels.SocketChannel.open().close();
        int fds = FdCount.now();
        List<LoadHarness.Phase> phases = LoadHarness.run("epoll", 500, 4, Duration.ofMillis(300), false);
        print("smoke", phases, 4);
        assertThat(phases).hasSize(2);
        assertThat(phases.get(0).messages()).isPositive();
        assertThat(phases.get(1).messages()).isPositive();
        assertThat(phases.get(1).idle()).isEqualTo(500);
        assertThat(FdCount.now()).isEqualTo(fds);
    }

    @Test
    @Tag("soak")
    void tenThousandIdleConnectionsOnOneLoop() throws Exception {
        for (String backend : List.of("epoll", "poll")) {
            List<LoadHarness.Phase> phases = LoadHarness.run(backend, 10_000, 8, Duration.ofSeconds(3), true);
            print("soak " + backend, phases, 8);
            assertThat(phases.get(1).messages()).isPositive();
        }
    }

    private static void print(String what, List<LoadHarness.Phase> phases, int active) {
        for (LoadHarness.Phase p : phases) {
            System.out.printf("load %s: idle=%d messages=%d RTT=%.2f µs/msg loopCPU=%.2f µs/msg%n", what, p.idle(),
                    p.messages(), p.wallMicrosPerMessage(active), p.loopCpuMicrosPerMessage());
        }
    }
}
