package io.jselectors.bench.load;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jselectors-bench echo-load}: drives one echo server and prints a summary line and a JSON record. */
@Command(name = "echo-load", mixinStandardHelpOptions = true,
        description = "Closed-loop echo load: verifies every echoed byte, records round-trip latency (HdrHistogram)."
                + " A wrong byte or a dropped connection fails the run (exit 1).")
public final class EchoLoadCommand implements Callable<Integer> {
    @Option(names = "--target", required = true, paramLabel = "HOST:PORT", description = "The echo server.")
    String target;

    @Option(names = "--connections", defaultValue = "100", description = "Active connections (default ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--size", defaultValue = "64", paramLabel = "BYTES", description = "Bytes per message (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--pipeline", defaultValue = "1", paramLabel = "DEPTH",
            description = "Messages in flight per connection (default ${DEFAULT-VALUE}: ping-pong).")
    int pipeline;

    @Option(names = "--warmup", defaultValue = "2s", description = "Warmup before measuring, e.g. 2s, 500ms (default ${DEFAULT-VALUE}).")
    String warmup;

    @Option(names = "--duration", defaultValue = "10s", description = "Measured time (default ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--idle", defaultValue = "0", paramLabel = "K", description = "Extra connections that stay open and silent.")
    int idle;

    @Option(names = "--rate", defaultValue = "0", paramLabel = "MSG/S",
            description = "Paced load: this many messages per second over all connections, spread evenly"
                    + " (default 0: closed loop, as fast as the echoes come back).")
    long rate;

    @Option(names = "--server-pid", defaultValue = "0", description = "Sample this process's CPU and RSS (from /proc) over the window.")
    long serverPid;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        LoadConfig config = new LoadConfig(parseTarget(target), connections, size, pipeline, parseDuration(warmup),
                parseDuration(duration), idle, serverPid, !noProgress, rate);
        try {
            LoadResult r = new LoadGenerator(config).run();
            System.out.println(r.summary());
            System.out.println(r.toJson());
            return 0;
        } catch (LoadFailure e) {
            System.out.println("echo-load: FAILED: " + e.getMessage());
            return 1;
        }
    }

    /**
     * @param s "host:port"
     * @return the address
     */
    public static InetSocketAddress parseTarget(String s) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--target must be HOST:PORT, got '" + s + "'");
        }
        return new InetSocketAddress(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1)));
    }

    /**
     * @param s "10s", "500ms", "2m" or an ISO-8601 duration
     * @return the duration
     */
    public static Duration parseDuration(String s) {
        String t = s.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        }
        if (t.endsWith("s")) {
            return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
        }
        if (t.endsWith("m")) {
            return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
        }
        return Duration.parse(s);
    }
}
