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
        int[] left = server.shutdown(config.grace());
        if (left[0] + left[1] > 0) {
            out.println(graceOverLine(left[0], left[1]));
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

    /**
     * The line for connections still open when the grace period ended.
     *
     * @param idle   connections that had all their echoes and were only kept open by their peer
     * @param cutOff connections cut off with echoes in flight
     * @return e.g. {@code "grace period over: closed 2 idle connections (all echoed; their clients kept them
     *         open) and cut off 1 in the middle of an echo"}
     */
    static String graceOverLine(int idle, int cutOff) {
        String a = idle == 0 ? "" : "closed " + idle + " idle connection" + (idle == 1 ? "" : "s")
                + " (all echoed; " + (idle == 1 ? "its client" : "their clients") + " kept " + (idle == 1 ? "it" : "them") + " open)";
        String b = cutOff == 0 ? "" : "cut off " + cutOff + " connection" + (cutOff == 1 ? "" : "s")
                + " in the middle of an echo";
        return "grace period over: " + a + (a.isEmpty() || b.isEmpty() ? "" : " and ") + b;
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
