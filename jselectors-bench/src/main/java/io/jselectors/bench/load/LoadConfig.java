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
 * @param rate        messages per second over all active connections (paced: message k is due at
 *                    {@code k / rate} s and goes to connection {@code k % connections}), or 0 for a closed
 *                    loop (each connection sends the next message as soon as one comes back)
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
        boolean progress,
        long rate) {

    /** A closed-loop run (no fixed rate). */
    public LoadConfig(InetSocketAddress target, int connections, int size, int pipeline, Duration warmup,
            Duration duration, int idle, long serverPid, boolean progress) {
        this(target, connections, size, pipeline, warmup, duration, idle, serverPid, progress, 0);
    }

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
        if (rate < 0 || (rate > 0 && connections == 0)) {
            throw new IllegalArgumentException("--rate must be 0 (closed loop) or positive with active connections, got "
                    + rate + " with --connections " + connections);
        }
        if (warmup.isNegative() || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("--duration must be positive and --warmup not negative");
        }
    }
}
