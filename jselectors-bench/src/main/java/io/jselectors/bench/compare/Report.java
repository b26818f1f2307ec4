package io.jselectors.bench.compare;

import io.jselectors.bench.load.LoadResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/** Writes the results file: the tables, every figure also as a ratio to the jselectors reference, and the targets. */
final class Report {
    private final List<Scenario> scenarios;
    private final List<String> servers;
    private final List<CellResult> cells;
    private final String reference;
    private final List<JmhSelectRun.Row> jmh;
    private final StringBuilder md = new StringBuilder();

    Report(List<Scenario> scenarios, List<String> servers, List<CellResult> cells, String reference,
            List<JmhSelectRun.Row> jmh) {
        this.scenarios = scenarios;
        this.servers = servers;
        this.cells = cells;
        this.reference = reference;
        this.jmh = jmh;
    }

    String render(String title, List<String> header) {
        md.append("# ").append(title).append("\n\n");
        header.forEach(h -> md.append(h).append("  \n"));
        md.append('\n');
        md.append("Ratios in parentheses are to **").append(reference)
                .append("** in the same run (1.00x = the same; for CPU, latency and memory lower is better,"
                        + " for throughput higher is better). *bound by*: the side that used >= 90% of its core;"
                        + " *neither*: both sides spent time waiting, on each other (too few messages in flight to keep"
                        + " both busy) or for a CPU something else on the machine had; compare CPU per message there.\n\n");
        for (Scenario s : scenarios) {
            if (s.idleOnly()) {
                idleTable(s);
            } else {
                loadTable(s);
            }
        }
        targets();
        loadGenerator();
        if (!jmh.isEmpty()) {
            jmhTable();
        }
        return md.toString();
    }

    private void loadTable(Scenario s) {
        md.append("## ").append(s.label()).append(" (`").append(s.id()).append("`)\n\n");
        md.append(String.format(Locale.ROOT, "%d B messages, %d connections, %d in flight each%s; %s warmup, %s measured.%n%n",
                s.size(), s.connections(), s.pipeline(), s.idle() > 0 ? ", plus " + s.idle() + " idle connections" : "",
                secs(s.warmup().toMillis()), secs(s.duration().toMillis())));
        md.append("| server | msg/s | MB/s | p50 us | p99 us | p99.9 us | server CPU us/msg | user us/msg | server CPU | client CPU | bound by | RSS MiB |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|\n");
        Optional<CellResult> ref = cell(reference, s);
        for (String server : servers) {
            Optional<CellResult> c = cell(server, s);
            if (c.isEmpty()) {
                continue;
            }
            md.append("| ").append(server).append(server.equals(reference) ? " (ref)" : "");
            if (!c.get().ok()) {
                md.append(" | FAILED: ").append(c.get().failure().replace("|", "/").replace("\n", " "))
                        .append(" ||||||||||| \n");
                continue;
            }
            md.append(" | ").append(fig(c, ref, r -> r.messagesPerSecond(), "%,.0f"));
            md.append(" | ").append(fig(c, ref, LoadResult::megabytesPerSecond, "%.2f"));
            md.append(" | ").append(fig(c, ref, LoadResult::p50Micros, "%.0f"));
            md.append(" | ").append(fig(c, ref, LoadResult::p99Micros, "%.0f"));
            md.append(" | ").append(fig(c, ref, LoadResult::p999Micros, "%.0f"));
            md.append(" | ").append(fig(c, ref, LoadResult::serverCpuMicrosPerMessage, "%.2f"));
            md.append(" | ").append(fig(c, ref, LoadResult::serverUserMicrosPerMessage, "%.2f"));
            md.append(" | ").append(pct(c.get().load().serverCpuShare()));
            md.append(" | ").append(pct(c.get().load().clientCpuShare()));
            md.append(" | ").append(boundBy(c.get().load()));
            md.append(" | ").append(fig(c, ref, r -> r.serverRssBytes() / 1048576.0, "%.0f"));
            md.append(" |\n");
        }
        md.append('\n');
    }

    private void idleTable(Scenario s) {
        md.append("## ").append(s.label()).append(" (`").append(s.id()).append("`)\n\n");
        md.append("| server | server CPU s in ").append(secs(s.duration().toMillis()))
                .append(" | RSS MiB, empty | RSS MiB, with idle | RSS MiB above empty |\n|---|---:|---:|---:|---:|\n");
        Optional<CellResult> ref = cell(reference, s);
        for (String server : servers) {
            Optional<CellResult> c = cell(server, s);
            if (c.isEmpty()) {
                continue;
            }
            md.append("| ").append(server).append(server.equals(reference) ? " (ref)" : "");
            if (!c.get().ok()) {
                md.append(" | FAILED: ").append(c.get().failure().replace("|", "/")).append(" |||| \n");
                continue;
            }
            CellResult r = c.get();
            md.append(" | ").append(String.format(Locale.ROOT, "%.2f", r.serverCpuSeconds()));
            md.append(" | ").append(String.format(Locale.ROOT, "%.0f", r.emptyRssBytes() / 1048576.0));
            md.append(" | ").append(String.format(Locale.ROOT, "%.0f", r.load().serverRssBytes() / 1048576.0));
            double above = r.rssAboveEmpty() / 1048576.0;
            md.append(" | ").append(String.format(Locale.ROOT, "%.1f", above));
            // A ratio to a reference that grew by less than 1 MiB (or shrank: the JVM returns memory) says nothing.
            ref.filter(CellResult::ok).filter(x -> x != r).filter(x -> x.rssAboveEmpty() >= 1L << 20)
                    .ifPresent(x -> md.append(String.format(Locale.ROOT, " (%.2fx)", above / (x.rssAboveEmpty() / 1048576.0))));
            md.append(" |\n");
        }
        md.append('\n');
    }

    private void targets() {
        int start = md.length();
        md.append("## Targets (").append(reference).append(", one loop, against the others in this run)\n\n");
        md.append("| target | measured | verdict |\n|---|---|---|\n");
        int rows = md.length();
        cpuTarget("pp-1000", "c-epoll", 1.05, false, "server CPU/msg, 64 B ping-pong, 1,000 conns <= 1.05x C epoll");
        cpuTarget("pp-1000", "netty-epoll", 0.9, false, "server CPU/msg, 64 B ping-pong, 1,000 conns <= 0.9x Netty epoll");
        cpuTarget("pp-1000", "c-epoll", 2.0, true, "user CPU/msg, 64 B ping-pong, 1,000 conns <= 2x C epoll");
        cpuTarget("pipe16-100", "c-epoll", 1.2, false, "server CPU/msg, 64 B pipelined 16 deep <= 1.2x C epoll");
        for (String id : new String[] {"pp-1", "rate50k-100", "pp-100", "pp-1000"}) {
            cpuTarget(id, "jdk-nio", 1.0, true, "user CPU/msg, " + id + " <= JDK NIO");
        }
        for (String id : new String[] {"pp-1", "rate50k-100", "pp-100"}) {
            cpuTarget(id, "c-epoll", 2.0, true, "user CPU/msg, " + id + " <= 2x C epoll (goal)");
        }
        Optional<CellResult> idle = scenarios.stream().filter(Scenario::idleOnly).findFirst().flatMap(s -> cell(reference, s));
        if (idle.isPresent() && idle.get().ok()) {
            double cpu = idle.get().serverCpuSeconds();
            row("10,000 idle conns: server CPU < 0.1 s in 10 s", String.format(Locale.ROOT, "%.2f s", cpu), cpu < 0.1);
            double mib = idle.get().rssAboveEmpty() / 1048576.0;
            row("10,000 idle conns: < 32 MiB RSS above an empty server", String.format(Locale.ROOT, "%.1f MiB", mib), mib < 32);
        } else if (idle.isPresent()) {
            row("10,000 idle connections", "failed: " + idle.get().failure(), false);
        }
        if (!jmh.isEmpty()) {
            jmhTargets();
        }
        if (md.length() == rows) {
            md.setLength(start); // no scenario of this run has a target (compare --quick): no empty table
            return;
        }
        md.append('\n');
    }

    /** Shows whether the load generator, rather than a server, was the limit, and what a message costs it. */
    private void loadGenerator() {
        md.append("## Was the load generator the limit?\n\n");
        md.append("| scenario | cells bound by client / server / both / neither | client CPU us/msg (min-max over servers) |\n");
        md.append("|---|---|---|\n");
        for (Scenario s : scenarios) {
            if (s.idleOnly()) {
                continue;
            }
            int[] n = new int[4];
            double lo = Double.MAX_VALUE;
            double hi = 0;
            for (CellResult c : cells) {
                if (!c.scenario().equals(s) || !c.ok() || c.load().messages() == 0) {
                    continue;
                }
                switch (boundBy(c.load())) {
                    case "client" -> n[0]++;
                    case "server" -> n[1]++;
                    case "both" -> n[2]++;
                    default -> n[3]++;
                }
                double us = c.load().clientCpu().totalSeconds() * 1e6 / c.load().messages();
                lo = Math.min(lo, us);
                hi = Math.max(hi, us);
            }
            md.append(String.format(Locale.ROOT, "| %s | %d / %d / %d / %d | %s |%n", s.id(), n[0], n[1], n[2], n[3],
                    hi == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f - %.2f", lo, hi)));
        }
        md.append('\n');
    }

    private void cpuTarget(String scenarioId, String peer, double limit, boolean userOnly, String what) {
        Optional<Scenario> s = scenarios.stream().filter(x -> x.id().equals(scenarioId)).findFirst();
        if (s.isEmpty()) {
            return;
        }
        Optional<CellResult> ours = cell(reference, s.get()).filter(CellResult::ok);
        Optional<CellResult> theirs = cell(peer, s.get()).filter(CellResult::ok);
        if (ours.isEmpty() || theirs.isEmpty()) {
            row(what, "not measured (" + (ours.isEmpty() ? reference : peer) + " has no result)", false);
            return;
        }
        ToDoubleFunction<LoadResult> f =
                userOnly ? LoadResult::serverUserMicrosPerMessage : LoadResult::serverCpuMicrosPerMessage;
        double a = f.applyAsDouble(ours.get().load());
        double b = f.applyAsDouble(theirs.get().load());
        row(what, String.format(Locale.ROOT, "%.2f vs %.2f us = %.2fx", a, b, a / b), a / b <= limit);
    }

    private void jmhTargets() {
        Optional<JmhSelectRun.Row> r10 = jmhRow("epoll", 10, 1);
        Optional<JmhSelectRun.Row> r10k = jmhRow("epoll", 10000, 1);
        if (r10.isPresent() && r10k.isPresent()) {
            double ratio = r10k.get().bestNsPerOp() / r10.get().bestNsPerOp();
            row("epoll select, 1 of 10,000 ready within 10% of 1 of 10 (best iterations)", String.format(Locale.ROOT,
                    "%.0f vs %.0f ns = %.2fx", r10k.get().bestNsPerOp(), r10.get().bestNsPerOp(), ratio), ratio <= 1.10);
        }
        for (String form : List.of("jdk selectedKeys", "jdk consumer")) {
            for (int ready : new int[] {0, 1}) {
            for (int n : new int[] {10, 1000, 10000}) {
                Optional<JmhSelectRun.Row> ours = jmhRow("epoll", n, ready);
                Optional<JmhSelectRun.Row> jdk = jmhRow(form, n, ready);
                if (ours.isPresent() && jdk.isPresent()) {
                    double ratio = ours.get().bestNsPerOp() / jdk.get().bestNsPerOp();
                    row(String.format(Locale.ROOT, "epoll select, %d of %,d ready, cheaper than %s selectNow", ready, n, form),
                            String.format(Locale.ROOT, "%.0f vs %.0f ns = %.2fx", ours.get().bestNsPerOp(),
                                    jdk.get().bestNsPerOp(), ratio), ratio < 1.0);
                }
            }
            }
        }
        // One object is at least 16 bytes: below 1 B/op no call allocates. B/op is JMH's allocation over
        // the whole fork divided by the operations, so a cell that runs few operations (poll over
        // thousands of fds) shows JMH's own background allocation; the target is judged on cells of more
        // than 100,000 operations a second.
        StringBuilder per = new StringBuilder();
        double worst = 0;
        boolean any = false;
        for (String backend : List.of("epoll", "poll", "select")) {
            double w = jmh.stream().filter(x -> x.bench().equals("select") && x.variant().equals(backend)
                            && x.nsPerOp() < 10_000)
                    .mapToDouble(JmhSelectRun.Row::bytesPerOp).filter(Double::isFinite).max().orElse(Double.NaN);
            if (Double.isFinite(w)) {
                per.append(per.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%s %.3f", backend, w));
                worst = Math.max(worst, w);
                any = true;
            }
        }
        if (any) {
            row("0 bytes allocated per select(Duration, ReadyHandler) (no call allocates: < 1 B/op, cells > 100k ops/s)",
                    "worst B/op: " + per, worst < 1.0);
        }
    }

    private void jmhTable() {
        md.append("## JMH: select with nothing ready and with 1 of N ready\n\n");
        md.append("`selectNow`: ours is `select(Duration.ZERO, handler)`; the JDK's is `selectNow()` then the selected-key set"
                + " (`jdk selectedKeys`) or `selectNow(Consumer)` (`jdk consumer`). Same kind of sockets (loopback TCP pairs,"
                + " both ends registered). B/op from `-prof gc`. *best*: the fastest of the measured iterations, the one"
                + " least disturbed by other load on this shared machine; the targets use it. Ratio: best to epoll's best"
                + " at the same N and ready.\n\n");
        md.append("| variant | N | ready | ns/op (mean) | ns/op (best) | B/op | ratio to epoll |\n|---|---:|---:|---:|---:|---:|---:|\n");
        List<JmhSelectRun.Row> sorted = new ArrayList<>(jmh.stream().filter(x -> x.bench().equals("select")).toList());
        sorted.sort(java.util.Comparator.comparing(JmhSelectRun.Row::ready).thenComparing(JmhSelectRun.Row::n)
                .thenComparing(JmhSelectRun.Row::variant));
        for (JmhSelectRun.Row r : sorted) {
            double base = jmhRow("epoll", r.n(), r.ready()).map(JmhSelectRun.Row::bestNsPerOp).orElse(Double.NaN);
            md.append(String.format(Locale.ROOT, "| %s | %,d | %d | %.0f | %.0f | %.3f | %.2fx |%n", r.variant(), r.n(),
                    r.ready(), r.nsPerOp(), r.bestNsPerOp(), r.bytesPerOp(), r.bestNsPerOp() / base));
        }
        md.append("\n## JMH: registration and wakeup\n\n");
        md.append("`RegistrationBench`: one socket among 1,000 registered (100 for select); `modify` is per change"
                + " (there and back counts 2); the JDK's register/modify include the selectNow() that applies them."
                + " `WakeupBench.roundTrip`: wake a peer thread's blocked select, block until it wakes ours.\n\n");
        md.append("| benchmark | variant | ns/op (mean) | ns/op (best) | B/op |\n|---|---|---:|---:|---:|\n");
        for (JmhSelectRun.Row r : jmh) {
            if (!r.bench().equals("select")) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %.0f | %.3f |%n", r.bench(), r.variant(),
                        r.nsPerOp(), r.bestNsPerOp(), r.bytesPerOp()));
            }
        }
        md.append('\n');
    }

    private Optional<JmhSelectRun.Row> jmhRow(String variant, int n, int ready) {
        return jmh.stream().filter(r -> r.bench().equals("select") && r.variant().equals(variant) && r.n() == n
                && r.ready() == ready).findFirst();
    }

    private void row(String what, String measured, boolean pass) {
        md.append("| ").append(what).append(" | ").append(measured).append(" | ")
                .append(pass ? "met" : "**NOT MET**").append(" |\n");
    }

    private Optional<CellResult> cell(String server, Scenario s) {
        return cells.stream().filter(c -> c.server().equals(server) && c.scenario().equals(s)).findFirst();
    }

    private static String fig(Optional<CellResult> c, Optional<CellResult> ref, ToDoubleFunction<LoadResult> f, String fmt) {
        double v = f.applyAsDouble(c.get().load());
        String s = Double.isFinite(v) ? String.format(Locale.ROOT, fmt, v) : "n/a";
        if (ref.isPresent() && ref.get().ok() && ref.get() != c.get()) {
            double r = f.applyAsDouble(ref.get().load());
            if (Double.isFinite(v) && Double.isFinite(r) && r != 0) {
                s += String.format(Locale.ROOT, " (%.2fx)", v / r);
            }
        }
        return s;
    }

    /** Which side ran out of CPU: the one at >= 90% of its core; neither means the machine was busy elsewhere. */
    static String boundBy(LoadResult r) {
        boolean server = r.serverCpuShare() >= 0.9;
        boolean client = r.clientCpuShare() >= 0.9;
        return server && client ? "both" : server ? "server" : client ? "client" : "neither";
    }

    private static String pct(double share) {
        return Double.isFinite(share) ? String.format(Locale.ROOT, "%.0f%%", 100 * share) : "n/a";
    }

    private static String secs(long ms) {
        return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}
