package io.jselectors.bench.compare;

import java.time.Duration;
import java.util.List;

/**
 * One cell of the comparison matrix (the same for every server).
 *
 * @param id          short name, used in files and charts
 * @param label       what it is, for the results table
 * @param connections active connections
 * @param size        bytes per message
 * @param pipeline    messages in flight per connection
 * @param idle        extra silent connections
 * @param warmup      before measuring
 * @param duration    measured
 * @param rate        messages per second over all connections (paced), or 0 for a closed loop
 */
public record Scenario(String id, String label, int connections, int size, int pipeline, int idle, Duration warmup,
        Duration duration, long rate) {

    /** A closed-loop cell. */
    public Scenario(String id, String label, int connections, int size, int pipeline, int idle, Duration warmup,
            Duration duration) {
        this(id, label, connections, size, pipeline, idle, warmup, duration, 0);
    }

    /** @return true when no connection sends anything: only the server's idle cost is measured */
    public boolean idleOnly() {
        return connections == 0;
    }

    /**
     * The full matrix of the issue.
     *
     * @param warmup   warmup of the load cells
     * @param duration measured time of the load cells
     * @return the scenarios, in running order
     */
    public static List<Scenario> full(Duration warmup, Duration duration) {
        return List.of(
                new Scenario("pp-1", "64 B ping-pong, 1 connection", 1, 64, 1, 0, warmup, duration),
                new Scenario("pp-100", "64 B ping-pong, 100 connections", 100, 64, 1, 0, warmup, duration),
                new Scenario("pp-1000", "64 B ping-pong, 1,000 connections", 1000, 64, 1, 0, warmup, duration),
                new Scenario("rate50k-100", "64 B at a fixed 50,000 msg/s, 100 connections", 100, 64, 1, 0, warmup,
                        duration, 50_000),
                new Scenario("pipe16-100", "64 B pipelined 16 deep, 100 connections", 100, 64, 16, 0, warmup, duration),
                new Scenario("16k-10", "16 KiB messages, 10 connections", 10, 16384, 1, 0, warmup, duration),
                new Scenario("idle10k-100", "64 B ping-pong, 100 active + 10,000 idle connections", 100, 64, 1, 10_000,
                        warmup, duration),
                new Scenario("idle10k", "10,000 idle connections for 10 s (server CPU used)", 0, 64, 1, 10_000,
                        Duration.ofSeconds(1), Duration.ofSeconds(10)));
    }

    /** @return the one short cell of {@code compare --quick} */
    public static List<Scenario> quick() {
        return List.of(new Scenario("pp-10-quick", "64 B ping-pong, 10 connections (quick)", 10, 64, 1, 0,
                Duration.ofMillis(500), Duration.ofSeconds(1)));
    }
}
