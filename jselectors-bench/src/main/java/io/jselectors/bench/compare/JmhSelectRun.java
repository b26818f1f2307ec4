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
     * @param bench      "select" for the select benchmarks, else Class.method ("WakeupBench.roundTrip")
     * @param variant    our backend ("epoll", "poll") or the JDK form ("jdk selectedKeys", "jdk consumer")
     * @param n          registered sockets (-1 where it does not apply)
     * @param ready      ready sockets, 0 or 1 (-1 where it does not apply)
     * @param nsPerOp    average time per operation over all measured iterations
     * @param bestNsPerOp the best (lowest) iteration's average: the least disturbed by other load on the machine
     * @param bytesPerOp bytes allocated per select (gc.alloc.rate.norm), NaN if the profiler had none
     */
    record Row(String bench, String variant, int n, int ready, double nsPerOp, double bestNsPerOp, double bytesPerOp) {}

    private JmhSelectRun() {}

    private static double best(RunResult r) {
        double best = Double.MAX_VALUE;
        for (var b : r.getBenchmarkResults()) {
            for (var it : b.getIterationResults()) {
                best = Math.min(best, it.getPrimaryResult().getScore());
            }
        }
        return best == Double.MAX_VALUE ? r.getPrimaryResult().getScore() : best;
    }

    private static int intParam(String v) {
        return v == null ? -1 : Integer.parseInt(v);
    }

    /** The benchmarks compare runs. */
    static final String DEFAULT_INCLUDE =
            "io\\.jselectors\\.bench\\.jmh\\.(SelectBench|SelectBackendBench|JdkSelectBench|RegistrationBench|WakeupBench)\\.";

    /**
     * @param include JMH include regex
     * @param params  JMH -p overrides, name=v1,v2 (may be empty)
     */
    static List<Row> run(String include, List<String> params) throws RunnerException {
        OptionsBuilder b = new OptionsBuilder();
        for (String p : params) {
            int eq = p.indexOf('=');
            b.param(p.substring(0, eq), p.substring(eq + 1).split(","));
        }
        Options opts = b
                .include(include)
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
            String name = p.getBenchmark().substring(p.getBenchmark().lastIndexOf('.', p.getBenchmark().lastIndexOf('.') - 1) + 1);
            boolean select = name.endsWith("SelectBench.selectNow") || name.equals("SelectBackendBench.selectNow");
            String variant = name.startsWith("JdkSelectBench") ? "jdk " + p.getParam("form") : p.getParam("backend");
            Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
            rows.add(new Row(select ? "select" : name, variant, intParam(p.getParam("n")), intParam(p.getParam("ready")),
                    r.getPrimaryResult().getScore(), best(r), alloc == null ? Double.NaN : alloc.getScore()));
        }
        return rows;
    }
}
