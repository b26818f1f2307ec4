package io.jselectors.bench.compare;

import io.jselectors.bench.load.LoadConfig;
import io.jselectors.bench.load.LoadGenerator;
import io.jselectors.bench.load.LoadResult;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
        md.append("## Profile: ").append(server).append(", ").append(s.label()).append(" (JFR)\n\n");
        try {
            int port = ServerProcess.freePort();
            Map<String, String> env = Map.of("JAVA_TOOL_OPTIONS",
                    "-XX:StartFlightRecording=filename=" + jfr + ",settings=profile,dumponexit=true");
            LoadResult r;
            try (ServerProcess p = ServerProcess.start(cmd.withPort(port), port, core,
                    work.resolve("logs").resolve(server + "-profile.log"), env)) {
                r = new LoadGenerator(new LoadConfig(new InetSocketAddress("127.0.0.1", port), s.connections(),
                        s.size(), s.pipeline(), s.warmup(), s.duration(), s.idle(), p.pid(), false)).run();
            }
            waitFor(jfr);
            md.append(String.format(Locale.ROOT,
                    "Under JFR (figures not in the tables above): %,.0f msg/s, server CPU %.2f us/msg of which user %.2f"
                            + " (%.0f%% of the server's CPU time in the kernel).%n%n",
                    r.messagesPerSecond(), r.serverCpuMicrosPerMessage(), r.serverUserMicrosPerMessage(),
                    100 * (1 - r.serverUserMicrosPerMessage() / r.serverCpuMicrosPerMessage())));
            String summary = jfrTool("summary", jfr.toString());
            long java = count(summary, "jdk.ExecutionSample");
            long nat = count(summary, "jdk.NativeMethodSample");
            md.append(String.format(Locale.ROOT, "JFR samples: %,d in Java code, %,d in native code (read, write,"
                    + " epoll_wait and the other system calls).%n%n", java, nat));
            md.append("```\n").append(head(jfrTool("view", "--width", "160", "hot-methods", jfr.toString()), 16))
                    .append("\n```\n\n");
            md.append("```\n").append(head(jfrTool("view", "--width", "160", "native-methods", jfr.toString()), 10))
                    .append("\n```\n\n");
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

    private static String jfrTool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "jfr").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("jfr " + String.join(" ", args) + " failed: " + out.strip());
        }
        return out;
    }

    private static long count(String summary, String event) {
        for (String line : summary.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length >= 2 && f[0].equals(event)) {
                return Long.parseLong(f[1]);
            }
        }
        return 0;
    }

    private static String head(String text, int lines) {
        return String.join("\n", text.strip().lines().limit(lines).toList());
    }
}
