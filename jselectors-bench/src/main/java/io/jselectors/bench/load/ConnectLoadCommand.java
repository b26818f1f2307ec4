package io.jselectors.bench.load;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jselectors-bench connect-load}: connection churn against one echo server ({@link ConnectLoad}). */
@Command(name = "connect-load", mixinStandardHelpOptions = true,
        description = "Connection churn: each client connects, sends one message, reads and verifies its echo,"
                + " closes, and repeats. Reports connections/s, connect+echo latency and the server's CPU per"
                + " connection. A wrong byte or a failed connection fails the run (exit 1).")
public final class ConnectLoadCommand implements Callable<Integer> {
    @Option(names = "--target", required = true, paramLabel = "HOST:PORT", description = "The echo server.")
    String target;

    @Option(names = "--concurrency", defaultValue = "64", paramLabel = "C",
            description = "Client threads, one connection at a time each (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--size", defaultValue = "64", paramLabel = "BYTES",
            description = "Bytes of the one message per connection (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--warmup", defaultValue = "2s", description = "Warmup before measuring (default ${DEFAULT-VALUE}).")
    String warmup;

    @Option(names = "--duration", defaultValue = "10s", description = "Measured time (default ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--server-pid", defaultValue = "0",
            description = "Sample this process's CPU (from /proc) over the window.")
    long serverPid;

    @Override
    public Integer call() throws Exception {
        ConnectLoad.Config config = new ConnectLoad.Config(EchoLoadCommand.parseTarget(target), concurrency, size,
                EchoLoadCommand.parseDuration(warmup), EchoLoadCommand.parseDuration(duration), serverPid);
        try {
            ConnectLoad.Result r = new ConnectLoad(config).run();
            System.out.println(r.summary());
            System.out.println(r.toJson());
            return 0;
        } catch (LoadFailure e) {
            System.out.println("connect-load: FAILED: " + e.getMessage());
            return 1;
        }
    }
}
