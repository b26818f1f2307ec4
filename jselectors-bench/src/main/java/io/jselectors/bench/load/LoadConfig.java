package io.jselectors.bench.load;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * What one load run does.
 *
 * @param target      the echo server
 * @param connections active connections, each keeping {@code pipeline} messages in flight (may be 0)
 * @param size        bytes per message
 * @param pipeline    messages in flight per active connection (1: ping-pong)
 * @param warmup      time before measuring
 * @param duration    time measured
 * @param idle        extra connections that stay open and silent; any byte or close on them fails the run
 * @param serverPid   the server process whose CPU and memory to sample, or 0 for none
 * @param progress    whether to draw a progress bar on stderr
 */
public record LoadConfig(
        InetSocketAddress target,
        int connections,
        int size,
        int pipeline,
        Duration warmup,
        Duration duration,
        int idle,
        long serverPid,
        boolean progress) {

    /** Checks the numbers; throws IllegalArgumentException naming the bad one. */
    public LoadConfig {
        if (connections < 0 || idle < 0 || connections + idle == 0) {
            throw new IllegalArgumentException("need at least one connection (--connections " + connections
                    + ", --idle " + idle + ")");
        }
        if (size < 1) {
            throw new IllegalArgumentException("--size must be at least 1 byte, got " + size);
        }
        if (pipeline < 1) {
            throw new IllegalArgumentException("--pipeline must be at least 1, got " + pipeline);
        }
        if (warmup.isNegative() || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("--duration must be positive and --warmup not negative");
        }
    }
}
