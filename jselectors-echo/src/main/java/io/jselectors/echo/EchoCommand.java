package io.jselectors.echo;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/** The command line of {@code jselectors-echo}: its flags, their defaults and their validation. */
@Command(
        name = "jselectors-echo",
        mixinStandardHelpOptions = true,
        version = "jselectors-echo 0.1.0",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "A non-blocking TCP echo server on the jselectors event loop: every byte a client sends comes back,"
                    + " in order, on the same connection.",
            "Stop it with Ctrl-C or SIGTERM: it stops accepting, finishes the echoes in flight, prints totals"
                    + " and exits 0."
        },
        footer = {"", "Try it: bin/jselectors-echo, then in another terminal: nc 127.0.0.1 7007"})
final class EchoCommand implements Callable<EchoConfig> {
    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Address or name to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "7007",
            description = "TCP port; 0 picks a free one, shown in the 'listening on' line (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--loops", paramLabel = "N",
            description = "Event loops, one thread each; the first accepts on the one listening socket and"
                    + " hands the connections to all in turn (default: the number of cores, here"
                    + " ${sys:jselectors.cores}).")
    Integer loops;

    @Option(names = "--reuse-port",
            description = "Give each loop a listening socket of its own with SO_REUSEPORT, the kernel spreading"
                    + " the connections; other SO_REUSEPORT servers of the same user may then share the port"
                    + " (default: off, a port in use is refused).")
    boolean reusePort;

    @Option(names = "--backend", paramLabel = "NAME",
            description = "Selector backend: ${sys:jselectors.backends} (default: the platform's best).")
    String backend;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "0",
            description = "Connections served at once; beyond it new ones are closed at once and counted"
                    + " (default: 0, no limit but the fd limit).")
    int maxConnections;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "0",
            converter = DurationConverter.class,
            description = "Close a connection that is silent that long, e.g. 30s, 500ms (default: 0, never).")
    Duration idleTimeout;

    @Option(names = "--max-buffer", paramLabel = "SIZE", defaultValue = "256k", converter = SizeConverter.class,
            description = "Unsent bytes per connection above which the server stops reading from it until"
                    + " the peer reads, e.g. 64k, 1m (default: ${DEFAULT-VALUE}).")
    long maxBuffer;

    @Option(names = "--stats", paramLabel = "SECONDS", defaultValue = "0", converter = DurationConverter.class,
            description = "Print a line of connections, bytes and messages per second this often"
                    + " (default: 0, never).")
    Duration stats;

    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
            description = "On SIGINT/SIGTERM, how long to wait for the echoes in flight before closing"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration grace;

    static {
        System.setProperty("jselectors.cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        System.setProperty("jselectors.backends", String.join("|", Backends.available()));
    }

    /** Validates the flags into a configuration. */
    @Override
    public EchoConfig call() throws UserError {
        if (port < 0 || port > 65535) {
            throw new UserError("bad --port " + port + ": use 0 to 65535 (0 picks a free port)");
        }
        int n = loops == null ? Runtime.getRuntime().availableProcessors() : loops;
        if (n < 1 || n > 1024) {
            throw new UserError("bad --loops " + n + ": use 1 to 1024");
        }
        if (maxConnections < 0) {
            throw new UserError("bad --max-connections " + maxConnections + ": use 0 (no limit) or more");
        }
        if (maxBuffer < 1024 || maxBuffer > (1L << 30)) {
            throw new UserError("bad --max-buffer " + maxBuffer + ": use 1k to 1g");
        }
        if (idleTimeout.isNegative() || stats.isNegative() || grace.isNegative()) {
            throw new UserError("durations cannot be negative");
        }
        Backends.Opener opener = Backends.forName(backend);
        InetAddress addr = resolve(host);
        return new EchoConfig(new InetSocketAddress(addr, port), n, reusePort, backend, opener, maxConnections, idleTimeout,
                maxBuffer, stats, grace);
    }

    private static InetAddress resolve(String host) throws UserError {
        if (host == null || host.isBlank()) {
            throw new UserError("bad --host '': give an address such as 127.0.0.1 or ::1");
        }
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new UserError("bad --host '" + host + "': no such host or address (try 127.0.0.1)");
        }
    }

    /** Picocli converter for {@link Units#parseSize}. */
    static final class SizeConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return Units.parseSize(value);
        }
    }

    /** Picocli converter for {@link Units#parseDuration}. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return Units.parseDuration(value);
        }
    }
}
