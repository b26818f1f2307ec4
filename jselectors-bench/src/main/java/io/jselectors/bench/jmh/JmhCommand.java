package io.jselectors.bench.jmh;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code jselectors-bench jmh [JMH options]}: the JMH runner. With no arguments it runs every
 * benchmark of this package with the gc profiler (bytes allocated per operation); with arguments it
 * passes them to JMH unchanged (e.g. {@code jmh SelectBench -p n=10000 -prof gc}, {@code jmh -h}).
 * {@link io.jselectors.bench.Main} hands the arguments over before picocli parses them.
 */
@Command(name = "jmh", description = "Runs the JMH benchmarks (no arguments: all, with -prof gc; else JMH's own options).")
public final class JmhCommand implements Runnable {
    @Parameters(arity = "0..*", description = "JMH arguments")
    java.util.List<String> args;

    /** The arguments used when none are given. */
    public static final String[] DEFAULT_ARGS = {"-prof", "gc", "io\\.jselectors\\.bench\\.jmh\\..*"};

    /**
     * Runs JMH's own command line.
     *
     * @param args JMH arguments; none for {@link #DEFAULT_ARGS}
     * @throws Exception whatever JMH throws
     */
    public static void runJmh(String[] args) throws Exception {
        org.openjdk.jmh.Main.main(args.length == 0 ? DEFAULT_ARGS : args);
    }

    @Override
    public void run() {
        throw new IllegalStateException("Main dispatches 'jmh' before picocli");
    }
}
