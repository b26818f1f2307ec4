package io.jselectors.echo;

import java.io.PrintStream;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * {@code jselectors-echo}: the echo server's entry point. Parses the flags, starts the server, prints the
 * {@code listening on} line, waits for SIGINT/SIGTERM, stops gracefully and prints the totals.
 *
 * <p>Exit status: 0 after a stop by signal or {@code --help}; 2 for a problem the user can fix (bad flag,
 * port in use, bad host, unknown backend), reported as one line on stderr; 1 for a failure of the server.
 */
public final class EchoMain {
    /** Exit status for a problem the user can fix. */
    static final int EXIT_USAGE = 2;
    /** Exit status for a failure of the server itself. */
    static final int EXIT_FAILURE = 1;

    private EchoMain() {}

    /**
     * Runs the server until a signal stops it.
     *
     * @param args the flags; see {@code --help}
     */
    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        EchoCommand command = new EchoCommand();
        CommandLine cli = new CommandLine(command);
        EchoConfig config;
        try {
            cli.parseArgs(args);
            if (cli.isUsageHelpRequested()) {
                cli.usage(out);
                return 0;
            }
            if (cli.isVersionHelpRequested()) {
                cli.printVersionHelp(out);
                return 0;
            }
            config = command.call();
        } catch (ParameterException e) {
            err.println("jselectors-echo: " + describe(e) + " (see --help)");
            return EXIT_USAGE;
        } catch (UserError e) {
            err.println("jselectors-echo: " + e.getMessage());
            return EXIT_USAGE;
        }
        return serve(config, out, err);
    }

    private static int serve(EchoConfig config, PrintStream out, PrintStream err) {
        LogSetup.install();
        ShutdownSignals signals = new ShutdownSignals();
        signals.install();
        EchoStats stats = new EchoStats();
        EchoServer server = new EchoServer(config, stats, signals);
        InetSocketAddress bound;
        try {
            bound = server.start();
        } catch (UserError e) {
            server.shutdown(java.time.Duration.ZERO);
            err.println("jselectors-echo: " + e.getMessage());
            return EXIT_USAGE;
        }
        EchoStats.Snapshot start = stats.snapshot();
        out.println("listening on " + format(bound) + " (" + server.backend() + ", " + config.loops()
                + " loops)");
        out.flush();
        StatsReporter reporter = null;
        if (!config.statsInterval().isZero()) {
            reporter = new StatsReporter(server, stats, config.statsInterval(), out);
            reporter.start();
        }
        try {
            signals.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (reporter != null) {
            reporter.stop();
        }
        Throwable failure = server.failure();
        server.stopAccepting();
        if (failure == null) {
            out.println("stopping (" + signals.reason() + "): not accepting; finishing the echoes of "
                    + stats.open.get() + " connections (grace " + config.grace().toMillis() + " ms)");
            out.flush();
        }
        int unfinished = server.shutdown(config.grace());
        if (unfinished > 0) {
            out.println("grace period over: " + unfinished + " connections closed before their echoes finished");
        }
        out.println(EchoStats.totalsLine(start, stats.snapshot()));
        out.flush();
        if (failure != null) {
            err.println("jselectors-echo: the server failed: " + failure);
            failure.printStackTrace(err);
            return EXIT_FAILURE;
        }
        return 0;
    }

    /** "bad --max-buffer: 'lots' is not a size (...)" rather than picocli's longer conversion message. */
    private static String describe(ParameterException e) {
        if (e.getCause() instanceof IllegalArgumentException cause && cause.getMessage() != null
                && e.getArgSpec() instanceof OptionSpec option) {
            return "bad " + option.longestName() + ": " + cause.getMessage();
        }
        return e.getMessage();
    }

    /** 127.0.0.1:7007, [::1]:7007. */
    static String format(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        if (a.getAddress() instanceof Inet6Address) {
            int pct = host.indexOf('%');
            host = "[" + (pct >= 0 ? host.substring(0, pct) : host) + "]";
            host = host.replace("[0:0:0:0:0:0:0:1]", "[::1]").replace("[0:0:0:0:0:0:0:0]", "[::]");
        }
        return host + ":" + a.getPort();
    }
}
