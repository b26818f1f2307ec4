package io.jselectors.bench.compare;

import io.jselectors.bench.load.LoadConfig;
import io.jselectors.bench.load.LoadGenerator;
import io.jselectors.bench.load.LoadResult;
import io.jselectors.bench.load.ProcStat;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One extra cell, after the matrix and outside its figures: the reference server under a scenario with
 * Java Flight Recorder on (through {@code JAVA_TOOL_OPTIONS}, so a launcher script's JVM is recorded too),
 * and a summary of where its time went: JFR's Java execution samples against its samples of threads in
 * native code (system calls), and the hottest Java methods.
 */
final class Profiler {
    private Profiler() {}

    static String profile(String server, CommandResolver.Resolved cmd, Scenario s, int core, Path work) {
        Path jfr = work.resolve("profile-" + server + ".jfr");
        StringBuilder md = new StringBuilder();
        md.append("## Profile: ").append(server).append(", ").append(s.label())
                .append(" (two extra cells, not in the tables above)\n\n");
        try {
            int port = ServerProcess.freePort();
            Map<String, String> env = Map.of("JAVA_TOOL_OPTIONS",
                    "-XX:StartFlightRecording=delay=3s,filename=" + jfr + ",settings=profile,dumponexit=true");
            // First without JFR: the server's threads, by CPU over the measured window.
            List<Map<Long, Map.Entry<String, ProcStat.Cpu>>> threads = new java.util.ArrayList<>();
            int plainPort = ServerProcess.freePort();
            LoadResult plain;
            try (ServerProcess p = ServerProcess.start(cmd.withPort(plainPort), plainPort, core,
                    work.resolve("logs").resolve(server + "-threads.log"))) {
                ServerProcess.sleep(500);
                plain = new LoadGenerator(new LoadConfig(new InetSocketAddress("127.0.0.1", plainPort), s.connections(),
                                s.size(), s.pipeline(), s.warmup(), s.duration(), s.idle(), p.pid(), false, s.rate()))
                        .onWindow(() -> threads.add(ProcStat.threadCpu(p.pid())),
                                () -> threads.add(ProcStat.threadCpu(p.pid())))
                        .run();
            }
            md.append(String.format(Locale.ROOT, "Without JFR: %,.0f msg/s, server CPU %.2f us/msg, user %.2f. The"
                    + " server's threads over the measured window (from /proc/PID/task; numbered pools summed):%n%n",
                    plain.messagesPerSecond(), plain.serverCpuMicrosPerMessage(), plain.serverUserMicrosPerMessage()));
            if (threads.size() == 2) {
                md.append(threadTable(threads.get(0), threads.get(1), plain.messages()));
            }
            // Then the same cell under JFR.
            LoadResult r;
            try (ServerProcess p = ServerProcess.start(cmd.withPort(port), port, core,
                    work.resolve("logs").resolve(server + "-profile.log"), env)) {
                r = new LoadGenerator(new LoadConfig(new InetSocketAddress("127.0.0.1", port), s.connections(),
                        s.size(), s.pipeline(), s.warmup(), s.duration(), s.idle(), p.pid(), false, s.rate())).run();
            }
            waitFor(jfr);
            md.append(String.format(Locale.ROOT,
                    "Under JFR: %,.0f msg/s, server CPU %.2f us/msg of which user %.2f"
                            + " (%.0f%% of the server's CPU time in the kernel).%n%n",
                    r.messagesPerSecond(), r.serverCpuMicrosPerMessage(), r.serverUserMicrosPerMessage(),
                    100 * (1 - r.serverUserMicrosPerMessage() / r.serverCpuMicrosPerMessage())));
            md.append(summarize(jfr));
        } catch (Exception e) {
            md.append("Profile not taken: ").append(e.getMessage()).append("\n\n");
        }
        return md.toString();
    }

    private static void waitFor(Path jfr) throws IOException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (!Files.exists(jfr) || Files.size(jfr) == 0) {
            if (System.currentTimeMillis() > deadline) {
                throw new IOException("the server wrote no JFR recording at " + jfr);
            }
            ServerProcess.sleep(100);
        }
        ServerProcess.sleep(500);
    }

    /**
     * Counts JFR's samples: Java execution samples by top frame, and samples of threads in native code by
     * the nearest jselectors (or other non-JDK) frame, which names the system call's binding.
     */
    static String summarize(Path jfr) throws IOException {
        Map<String, Integer> javaTop = new java.util.HashMap<>();
        Map<String, Integer> nativeBy = new java.util.HashMap<>();
        int javaCount = 0;
        int nativeCount = 0;
        try (jdk.jfr.consumer.RecordingFile f = new jdk.jfr.consumer.RecordingFile(jfr)) {
            while (f.hasMoreEvents()) {
                jdk.jfr.consumer.RecordedEvent e = f.readEvent();
                String type = e.getEventType().getName();
                boolean isJava = type.equals("jdk.ExecutionSample");
                if (!isJava && !type.equals("jdk.NativeMethodSample")) {
                    continue;
                }
                jdk.jfr.consumer.RecordedStackTrace st = e.getStackTrace();
                if (st == null || st.getFrames().isEmpty()) {
                    continue;
                }
                String where = "(JDK only)";
                for (jdk.jfr.consumer.RecordedFrame fr : st.getFrames()) {
                    String n = name(fr);
                    if (!n.startsWith("java.") && !n.startsWith("jdk.") && !n.startsWith("sun.")) {
                        where = n;
                        break;
                    }
                }
                if (isJava) {
                    javaCount++;
                    String top = name(st.getFrames().get(0));
                    if (!top.equals(where)) {
                        // JDK code on behalf of ours: the FFM downcall stub (LambdaForm), a MemorySegment check...
                        top = top.replaceAll("\\$\\$Lambda.*|\\.0x[0-9a-f]+", "");
                        where = where + " > " + top.substring(top.lastIndexOf('.', top.lastIndexOf('.') - 1) + 1);
                    }
                    javaTop.merge(where, 1, Integer::sum);
                } else {
                    nativeCount++;
                    nativeBy.merge(where, 1, Integer::sum);
                }
            }
        }
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "JFR samples after the first 3 s: %,d of threads running Java code, %,d of"
                + " threads in native code (system calls), by where they were.%n%n", javaCount, nativeCount));
        md.append("| in native code, called from | samples | | running Java: nearest of our frames > JDK top frame | samples |\n|---|---:|---|---|---:|\n");
        List<Map.Entry<String, Integer>> n = top(nativeBy, 8);
        List<Map.Entry<String, Integer>> j = top(javaTop, 8);
        for (int i = 0; i < Math.max(n.size(), j.size()); i++) {
            md.append("| ").append(i < n.size() ? n.get(i).getKey() + " | " + n.get(i).getValue() : " | ")
                    .append(" | | ").append(i < j.size() ? j.get(i).getKey() + " | " + j.get(i).getValue() : " | ")
                    .append(" |\n");
        }
        return md.append('\n').toString();
    }

    /** The server's threads by CPU over the measured window: which of its user time is the loop's own. */
    private static String threadTable(Map<Long, Map.Entry<String, ProcStat.Cpu>> before,
            Map<Long, Map.Entry<String, ProcStat.Cpu>> after, long messages) {
        Map<String, long[]> byName = new java.util.TreeMap<>();
        for (var e : after.entrySet()) {
            ProcStat.Cpu end = e.getValue().getValue();
            var b = before.get(e.getKey());
            ProcStat.Cpu d = b == null ? end : end.minus(b.getValue());
            // Numbered pool threads (GC, compiler) are summed under one name.
            String name = e.getValue().getKey().replaceAll("[0-9#-]+$", "").strip();
            long[] acc = byName.computeIfAbsent(name.isEmpty() ? e.getValue().getKey() : name, k -> new long[2]);
            acc[0] += d.userTicks();
            acc[1] += d.systemTicks();
        }
        StringBuilder md = new StringBuilder("| thread | user us/msg | system us/msg |\n|---|---:|---:|\n");
        byName.entrySet().stream()
                .filter(e -> e.getValue()[0] + e.getValue()[1] > 0)
                .sorted((a, b) -> Long.compare(b.getValue()[0] + b.getValue()[1], a.getValue()[0] + a.getValue()[1]))
                .limit(8)
                .forEach(e -> md.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f |%n", e.getKey(),
                        perMessage(e.getValue()[0], messages), perMessage(e.getValue()[1], messages))));
        return md.append('\n').toString();
    }

    private static double perMessage(long ticks, long messages) {
        return messages == 0 ? Double.NaN : ticks * 1e6 / ProcStat.TICKS_PER_SECOND / messages;
    }

    private static String name(jdk.jfr.consumer.RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static List<Map.Entry<String, Integer>> top(Map<String, Integer> m, int k) {
        return m.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(k).toList();
    }
}
