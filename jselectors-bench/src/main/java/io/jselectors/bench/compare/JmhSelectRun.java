package io.jselectors.bench.compare;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** The JMH part of {@code compare}: the select benchmarks, ours and the JDK's, with the gc profiler. */
final class JmhSelectRun {
    /**
     * One benchmark result.
     *
     * @param variant    our backend ("epoll", "poll") or the JDK form ("jdk selectedKeys", "jdk consumer")
     * @param n          registered sockets
     * @param ready      ready sockets (0 or 1)
     * @param nsPerOp    average time per select
     * @param bytesPerOp bytes allocated per select (gc.alloc.rate.norm), NaN if the profiler had none
     */
    record Row(String variant, int n, int ready, double nsPerOp, double bytesPerOp) {}

    private JmhSelectRun() {}

    static List<Row> run() throws RunnerException {
        Options opts = new OptionsBuilder()
                .include("io\\.jselectors\\.bench\\.jmh\\.(SelectBench|JdkSelectBench)\\.")
                .addProfiler(GCProfiler.class)
                .forks(1)
                .warmupIterations(3)
                .warmupTime(TimeValue.milliseconds(400))
                .measurementIterations(5)
                .measurementTime(TimeValue.milliseconds(400))
                .timeUnit(TimeUnit.NANOSECONDS)
                .shouldFailOnError(true)
                .build();
        Collection<RunResult> results = new Runner(opts).run();
        List<Row> rows = new ArrayList<>();
        for (RunResult r : results) {
            var p = r.getParams();
            String variant = p.getBenchmark().contains("JdkSelectBench") ? "jdk " + p.getParam("form") : p.getParam("backend");
            Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
            rows.add(new Row(variant, Integer.parseInt(p.getParam("n")), Integer.parseInt(p.getParam("ready")),
                    r.getPrimaryResult().getScore(), alloc == null ? Double.NaN : alloc.getScore()));
        }
        return rows;
    }
}
