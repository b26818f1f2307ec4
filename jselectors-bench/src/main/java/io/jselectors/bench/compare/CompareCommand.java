package io.jselectors.bench.compare;

import io.jselectors.bench.load.EchoLoadCommand;
import io.jselectors.bench.load.LoadConfig;
import io.jselectors.bench.load.LoadFailure;
import io.jselectors.bench.load.LoadGenerator;
import io.jselectors.bench.load.LoadResult;
import io.jselectors.bench.load.ProcStat;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jselectors-bench compare}: every server of the servers file through the whole matrix, each
 * server pinned to one core and the load generator to another, then the results file and the charts.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Runs every server through the matrix and writes bench/results/<date>.md and PNG charts.")
public final class CompareCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "One short cell per server and no JMH (for CI).")
    boolean quick;

    @Option(names = "--servers-file", description = "Servers, one a line: NAME COMMAND-with-{port} (default: bench/servers.txt).")
    Path serversFile;

    @Option(names = "--server", paramLabel = "NAME=COMMAND", description = "Adds a server, e.g. --server 'mine=/opt/echo --port {port}'.")
    List<String> extraServers = new ArrayList<>();

    @Option(names = "--only", split = ",", paramLabel = "NAME", description = "Runs only these servers.")
    List<String> only;

    @Option(names = "--scenarios", split = ",", paramLabel = "ID",
            description = "Runs only these cells of the matrix, e.g. pp-1,rate50k-100 (default: all).")
    List<String> onlyScenarios;

    @Option(names = "--out", description = "Directory of the results (default: bench/results; with --quick a temporary directory).")
    Path out;

    @Option(names = "--name", description = "Base name of the result files (default: the date, with -quick for --quick).")
    String name;

    @Option(names = "--warmup", defaultValue = "2s", description = "Warmup of each load cell (default ${DEFAULT-VALUE}).")
    String warmup;

    @Option(names = "--duration", defaultValue = "5s", description = "Measured time of each load cell (default ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--repeat", defaultValue = "1", description = "Runs the whole matrix N times and keeps, per server"
            + " and scenario, the run with the median server CPU per message (default ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--no-jmh", description = "Skips the JMH select benchmarks.")
    boolean noJmh;

    @Option(names = "--jmh-include", description = "JMH include regex (default: the select, registration and wakeup benchmarks).")
    String jmhInclude = JmhSelectRun.DEFAULT_INCLUDE;

    @Option(names = "--jmh-param", paramLabel = "NAME=V1,V2", description = "JMH parameter override, e.g. n=10,10000.")
    List<String> jmhParams = new ArrayList<>();

    @Option(names = "--reference", description = "The server ratios are taken to (default: jselectors-echo if it runs, else jselectors-selector).")
    String reference;

    @Option(names = "--no-profile", description = "Skips the JFR profile of the reference server (an extra cell after the matrix).")
    boolean noProfile;

    @Option(names = "--no-pin", description = "Does not pin the servers and the load generator to cores.")
    boolean noPin;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        Path root = Path.of(System.getProperty("jselectors.bench.root", ".")).toAbsolutePath().normalize();
        Path serversPath = serversFile != null ? serversFile : root.resolve("bench/servers.txt");
        String base = name != null ? name : LocalDate.now() + (quick ? "-quick" : "");
        Path work = Files.createTempDirectory("jselectors-bench-");
        Path outDir = outDir(out, quick, root, work);
        if (quick) {
            System.out.println(QUICK_CAVEAT);
        }

        Map<String, ServerSpec> specs = new LinkedHashMap<>();
        ServerSpec.load(serversPath).forEach(s -> specs.put(s.name(), s));
        for (String extra : extraServers) {
            int eq = extra.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--server wants NAME=COMMAND, got " + extra);
            }
            ServerSpec s = ServerSpec.of(extra.substring(0, eq), extra.substring(eq + 1));
            specs.put(s.name(), s);
        }
        if (only != null) {
            for (String n : only) {
                if (!specs.containsKey(n)) {
                    throw new IllegalArgumentException("--only " + n + ": no such server in " + serversPath
                            + " (have " + String.join(", ", specs.keySet()) + ")");
                }
            }
            specs.keySet().retainAll(only);
        }

        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        String cp = System.getProperty("jselectors.bench.classpath", System.getProperty("java.class.path"));
        CommandResolver resolver = new CommandResolver(root, work, java, cp);
        Map<String, CommandResolver.Resolved> runnable = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        for (ServerSpec s : specs.values()) {
            CommandResolver.Resolved r = resolver.resolve(s);
            if (r.skipped()) {
                String msg = "skipped " + s.name() + ": " + r.skipReason();
                System.out.println(msg);
                notes.add(msg);
            } else {
                runnable.put(s.name(), r);
            }
        }
        if (runnable.isEmpty()) {
            System.err.println("compare: no server can run (see the reasons above)");
            return 2;
        }
        String ref = reference != null ? reference
                : runnable.containsKey("jselectors-echo") ? "jselectors-echo" : "jselectors-selector";

        List<JmhSelectRun.Row> jmh = List.of();
        if (!quick && !noJmh) {
            System.out.println("JMH: select, registration and wakeup benchmarks (about 4 minutes)...");
            jmh = JmhSelectRun.run(jmhInclude, jmhParams);
        }

        int cores = Runtime.getRuntime().availableProcessors();
        String machine = machine(); // before pinning, which makes this JVM see one CPU
        boolean pin = !noPin && cores >= 2 && CommandResolver.onPath("taskset") != null;
        int clientCore = 0;
        int serverCore = 1;
        if (pin) {
            pinSelf(clientCore);
        } else {
            notes.add("not pinned to cores (" + (noPin ? "--no-pin" : cores < 2 ? "fewer than 2 CPUs" : "no taskset") + ")");
        }

        List<Scenario> scenarios = quick ? Scenario.quick()
                : Scenario.full(EchoLoadCommand.parseDuration(warmup), EchoLoadCommand.parseDuration(duration));
        if (onlyScenarios != null) {
            List<String> known = scenarios.stream().map(Scenario::id).toList();
            for (String id : onlyScenarios) {
                if (!known.contains(id)) {
                    System.err.println("compare: unknown scenario '" + id + "'; the cells are " + String.join(", ", known));
                    return 2;
                }
            }
            scenarios = scenarios.stream().filter(sc -> onlyScenarios.contains(sc.id())).toList();
        }
        String started = ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME);
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).strip();
        List<CellResult> all = new ArrayList<>();
        long quietWaits = 0;
        int total = runnable.size() * scenarios.size() * Math.max(1, repeat);
        ProgressBar bar = noProgress ? null : new ProgressBarBuilder().setTaskName("compare").setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
        try {
            // Scenario by scenario, every server in turn: a burst of load from elsewhere on the machine
            // then hits one scenario's cells across servers rather than one server's whole column.
            for (int round = 0; round < Math.max(1, repeat); round++) {
                List<Map.Entry<String, CommandResolver.Resolved>> order = new ArrayList<>(runnable.entrySet());
                for (Scenario s : scenarios) {
                    for (Map.Entry<String, CommandResolver.Resolved> e : order) {
                        if (bar != null) {
                            bar.setExtraMessage(e.getKey() + " " + s.id());
                        }
                        quietWaits += Quiet.waitForQuiet(5_000, 0.15);
                        CellResult r = runCell(e.getKey(), e.getValue(), s, pin ? serverCore : -1, work);
                        all.add(r);
                        if (bar != null) {
                            bar.step();
                        }
                        if (!r.ok()) {
                            System.err.println("\n" + e.getKey() + " " + s.id() + ": FAILED: " + r.failure());
                        }
                    }
                    // The next scenario starts with the next server: no server always runs first.
                    order.add(order.remove(0));
                }
            }
        } finally {
            if (bar != null) {
                bar.close();
            }
        }
        List<CellResult> cells = medians(all, scenarios, runnable.keySet());
        String profile = "";
        if (!quick && !noProfile && runnable.containsKey(ref)) {
            Scenario pp1000 = scenarios.stream().filter(s -> s.id().equals("pp-1000")).findFirst().orElse(scenarios.get(0));
            System.out.println("profiling " + ref + " under " + pp1000.id() + " with JFR...");
            Scenario longer = new Scenario(pp1000.id(), pp1000.label(), pp1000.connections(), pp1000.size(),
                    pp1000.pipeline(), pp1000.idle(), Duration.ofSeconds(3), Duration.ofSeconds(8), pp1000.rate());
            profile = Profiler.profile(ref, runnable.get(ref), longer, pin ? serverCore : -1, work);
        }
        String loadAfter = Files.readString(Path.of("/proc/loadavg")).strip();

        List<String> header = new ArrayList<>();
        header.add("Command: `bin/jselectors-bench compare" + (quick ? " --quick" : "") + "` — started " + started);
        header.add("Machine: " + machine + "; load average before " + loadBefore + ", after " + loadAfter);
        if (repeat > 1) {
            header.add("Repeat: the matrix ran " + repeat + " times; each figure is from the run with the median server"
                    + " CPU per message (all runs are in the .jsonl file)");
        }
        header.add("Pinning: " + (pin ? "each server on CPU " + serverCore + " (taskset), the load generator on CPU "
                + clientCore : "none"));
        header.add(String.format(Locale.ROOT, "Order: scenario by scenario, each starting with the next server in turn;"
                + " before each cell the harness waited for the CPUs to be under 15%% busy (up to 5 s; %.0f s in all)",
                quietWaits / 1000.0));
        header.add("Load generator: one thread, JDK NIO Selector, closed loop, every echoed byte verified;"
                + " latency is per message, send to last byte back. Server CPU and RSS from /proc/PID/stat and /status"
                + " (the server process and its descendants), over the measured window only.");
        if (quick) {
            header.add(QUICK_CAVEAT);
        }
        notes.forEach(n -> header.add("Note: " + n));
        List<String> servers = new ArrayList<>(runnable.keySet());
        String text = new Report(scenarios, servers, cells, ref, jmh)
                .render("jselectors echo comparison, " + base, header) + profile;
        Files.createDirectories(outDir);
        Path md = outDir.resolve(base + ".md");
        Files.writeString(md, text);
        Path json = outDir.resolve(base + ".jsonl");
        StringBuilder lines = new StringBuilder();
        for (CellResult c : all) {
            lines.append("{\"server\":\"").append(c.server()).append("\",\"scenario\":\"").append(c.scenario().id())
                    .append("\",\"emptyRssBytes\":").append(c.emptyRssBytes()).append(",\"result\":")
                    .append(c.ok() ? c.load().toJson() : "null").append(",\"failure\":")
                    .append(c.ok() ? "null" : "\"" + c.failure().replace("\\", "\\\\").replace("\"", "'") + "\"")
                    .append("}\n");
        }
        Files.writeString(json, lines);
        List<Path> charts = Charts.write(outDir, base, scenarios, servers, cells);
        System.out.println(text);
        System.out.println("wrote " + md + ", " + json + ", " + charts.stream().map(Path::toString).toList()
                + "; server logs in " + work);
        if (quick) {
            System.out.println(QUICK_CAVEAT);
        }
        return cells.stream().allMatch(CellResult::ok) ? 0 : 3;
    }

    /** Printed and written by {@code --quick}, whose figures are a smoke test and not a measurement. */
    static final String QUICK_CAVEAT = "Caveat: --quick runs one 1-second cell per server after a 0.5-second warm-up,"
            + " once: its figures and ratios show that every server runs, not how they compare (run compare without"
            + " --quick for that). Its files go to a temporary directory unless --out says otherwise.";

    /**
     * Where the results go: {@code --out} if given; for {@code --quick}, the run's temporary directory, so a
     * smoke run leaves nothing in the repository; else {@code bench/results}.
     *
     * @param out   the --out option, or null
     * @param quick whether --quick was given
     * @param root  the repository
     * @param work  the run's temporary directory
     * @return the directory for the results file and the charts
     */
    static Path outDir(Path out, boolean quick, Path root, Path work) {
        return out != null ? out : quick ? work : root.resolve("bench/results");
    }

    /** Per server and scenario: a failure if any run failed, else the run with the median server CPU per message. */
    static List<CellResult> medians(List<CellResult> all, List<Scenario> scenarios, java.util.Collection<String> servers) {
        List<CellResult> out = new ArrayList<>();
        for (Scenario s : scenarios) {
            for (String server : servers) {
                List<CellResult> runs = all.stream().filter(c -> c.server().equals(server) && c.scenario().equals(s))
                        .toList();
                if (runs.isEmpty()) {
                    continue;
                }
                var failed = runs.stream().filter(c -> !c.ok()).findFirst();
                if (failed.isPresent()) {
                    out.add(failed.get());
                    continue;
                }
                List<CellResult> sorted = new ArrayList<>(runs);
                sorted.sort(java.util.Comparator.comparingDouble(
                        c -> s.idleOnly() ? c.serverCpuSeconds() : c.load().serverCpuMicrosPerMessage()));
                out.add(sorted.get((sorted.size() - 1) / 2));
            }
        }
        return out;
    }

    private static CellResult runCell(String server, CommandResolver.Resolved cmd, Scenario s, int core, Path work) {
        int port;
        try {
            port = ServerProcess.freePort();
        } catch (IOException e) {
            return new CellResult(server, s, null, 0, "no free port: " + e.getMessage());
        }
        Path log = work.resolve("logs").resolve(server + "-" + s.id() + ".log");
        try (ServerProcess p = ServerProcess.start(cmd.withPort(port), port, core, log)) {
            ServerProcess.sleep(500); // let it settle before measuring its empty footprint
            long emptyRss = ProcStat.treeRssBytes(p.pid());
            LoadConfig config = new LoadConfig(new InetSocketAddress("127.0.0.1", port), s.connections(), s.size(),
                    s.pipeline(), s.warmup(), s.duration(), s.idle(), p.pid(), false, s.rate());
            try {
                LoadResult r = new LoadGenerator(config).run();
                if (!p.isAlive()) {
                    return new CellResult(server, s, null, emptyRss, "server died during the run: " + p.logTail());
                }
                return new CellResult(server, s, r, emptyRss, null);
            } catch (LoadFailure e) {
                return new CellResult(server, s, null, emptyRss, e.getMessage()
                        + (p.isAlive() ? "" : " (server exited: " + p.logTail() + ")"));
            }
        } catch (IOException e) {
            return new CellResult(server, s, null, 0, e.getMessage());
        }
    }

    /** Pins every thread of this JVM (and what it starts later) to one CPU. */
    private static void pinSelf(int core) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", Integer.toString(core),
                Long.toString(ProcessHandle.current().pid())).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("taskset could not pin the load generator: " + out.strip());
        }
    }

    private static String machine() {
        String cpu = "?";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("?");
        } catch (IOException ignored) {
            // not Linux: leave "?"
        }
        return String.format(Locale.ROOT, "%d CPUs (%s), %s %s, JDK %s", Runtime.getRuntime().availableProcessors(),
                cpu, System.getProperty("os.name"), System.getProperty("os.version"), Runtime.version());
    }
}
