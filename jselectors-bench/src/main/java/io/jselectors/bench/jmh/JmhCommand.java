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

    /**
     * The arguments used when none are given: every benchmark of this package with the gc profiler;
     * {@link KqueueSelectBench} only where there is kqueue (on Linux: a library named by
     * {@code -Djselectors.kqueue.library} or {@code JSELECTORS_KQUEUE_LIBRARY}).
     *
     * @return the arguments
     */
    public static String[] defaultArgs() {
        if (io.jselectors.KqueueSelector.isAvailable()) {
            return new String[] {"-prof", "gc", "io\\.jselectors\\.bench\\.jmh\\..*"};
        }
        System.out.println("KqueueSelectBench left out: no kqueue here (on Linux, name libkqueue with -D"
                + io.jselectors.KqueueSelector.LIBRARY_PROPERTY + "=PATH or " + io.jselectors.KqueueSelector.LIBRARY_ENV + ")");
        return new String[] {"-prof", "gc", "io\\.jselectors\\.bench\\.jmh\\.(?!KqueueSelectBench).*"};
    }

    /**
     * Runs JMH's own command line.
     *
     * @param args JMH arguments; none for {@link #defaultArgs()}
     * @throws Exception whatever JMH throws
     */
    public static void runJmh(String[] args) throws Exception {
        org.openjdk.jmh.Main.main(args.length == 0 ? defaultArgs() : args);
    }

    @Override
    public void run() {
        throw new IllegalStateException("Main dispatches 'jmh' before picocli");
    }
}
