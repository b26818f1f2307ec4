package io.jselectors.echo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The echo server started as a process of its own, as a user starts it, for black-box tests: its stdout
 * lines, its exit status, and what /proc tells about it (open fds, resident memory, CPU time).
 */
final class ServerProcess implements AutoCloseable {
    static final Pattern LISTENING =
            Pattern.compile("listening on (\\S+):(\\d+) \\((\\S+), (\\d+) loops\\)");

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> allOut = new CopyOnWriteArrayList<>();
    private final List<String> allErr = new CopyOnWriteArrayList<>();
    private final Thread outReader;
    private final Thread errReader;
    private int port = -1;
    private String backend;
    private int loops;

    private ServerProcess(Process process) {
        this.process = process;
        this.outReader = pump(process.inputReader(StandardCharsets.UTF_8), allOut, lines, "out");
        this.errReader = pump(process.errorReader(StandardCharsets.UTF_8), allErr, null, "err");
    }

    private Thread pump(BufferedReader r, List<String> all, BlockingQueue<String> queue, String name) {
        return Thread.ofPlatform().daemon().name("server-" + name + "-" + process.pid()).start(() -> {
            try (r) {
                String line;
                while ((line = r.readLine()) != null) {
                    all.add(line);
                    if (queue != null) {
                        queue.add(line);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        });
    }

    /** The JVM command that runs the server with these flags (without any prefix such as prlimit). */
    static List<String> command(List<String> jvmOptions, String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto"));
        // The kqueue library this JVM was given (bin/test -Djselectors.kqueue.library=...), for --backend kqueue.
        String kqueueLibrary = System.getProperty(io.jselectors.KqueueSelector.LIBRARY_PROPERTY);
        if (kqueueLibrary != null) {
            cmd.add("-D" + io.jselectors.KqueueSelector.LIBRARY_PROPERTY + "=" + kqueueLibrary);
        }
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", cp, "io.jselectors.echo.EchoMain"));
        cmd.addAll(Arrays.asList(args));
        return cmd;
    }

    /** Starts the server with these flags; does not wait for it. */
    static ServerProcess launch(List<String> prefix, List<String> jvmOptions, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(command(jvmOptions, args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        return new ServerProcess(pb.start());
    }

    /** Starts the server with these flags and waits for its "listening on" line. */
    static ServerProcess start(String... args) throws IOException {
        return start(List.of(), List.of(), args);
    }

    static ServerProcess start(List<String> prefix, List<String> jvmOptions, String... args) throws IOException {
        ServerProcess s = launch(prefix, jvmOptions, args);
        try {
            s.awaitListening();
        } catch (RuntimeException | Error e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** Waits for the "listening on" line; fails with the server's output when it does not come. */
    Matcher awaitListening() {
        Matcher m = awaitLine(LISTENING, Duration.ofSeconds(60));
        port = Integer.parseInt(m.group(2));
        backend = m.group(3);
        loops = Integer.parseInt(m.group(4));
        return m;
    }

    /** The next stdout line matching pattern (lines before it are consumed); fails after the timeout. */
    Matcher awaitLine(Pattern pattern, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line;
            try {
                line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
            if (line == null) {
                throw new AssertionError("no line matching /" + pattern + "/ within " + timeout + "; " + describe());
            }
            Matcher m = pattern.matcher(line);
            if (m.find()) {
                return m;
            }
        }
    }

    /** Like {@link #awaitLine}, but only lines printed from now on count. */
    Matcher awaitFreshLine(Pattern pattern, Duration timeout) {
        lines.clear();
        return awaitLine(pattern, timeout);
    }

    int port() {
        return port;
    }

    String backend() {
        return backend;
    }

    int loops() {
        return loops;
    }

    long pid() {
        return process.pid();
    }

    Process process() {
        return process;
    }

    List<String> stdout() {
        return allOut;
    }

    List<String> stderr() {
        return allErr;
    }

    String describe() {
        return "server pid " + process.pid() + (process.isAlive() ? " running" : " exited " + process.exitValue())
                + "\n stdout: " + String.join("\n  ", allOut) + "\n stderr: " + String.join("\n  ", allErr);
    }

    /** Sends a signal ("TERM", "INT", ...). */
    void signal(String name) throws IOException, InterruptedException {
        // bash's kill builtin: no dependency on a kill(1) binary.
        Process kill = new ProcessBuilder("bash", "-c", "kill -" + name + " " + process.pid()).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** Waits for the exit status; fails if the process does not exit in time. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("server did not exit within " + timeout + "; " + describe());
        }
        try {
            outReader.join(2000);
            errReader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return process.exitValue();
    }

    /** Open file descriptors of the server now (/proc/PID/fd). */
    int openFds() {
        try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(process.pid()), "fd"))) {
            return (int) s.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Resident memory of the server in bytes (VmRSS). */
    long residentBytes() {
        return statusField("VmRSS:") * 1024;
    }

    private long statusField(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError(name + " not in /proc/" + process.pid() + "/status");
    }

    /** CPU time (user + system) the server has used, in nanoseconds. */
    long cpuNanos() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
            return ticks * (1_000_000_000L / 100); // USER_HZ is 100 on Linux
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls until the server's open fds are at most {@code target}; returns the last count seen. */
    int awaitFdsAtMost(int target, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int n = openFds();
        while (n > target && System.nanoTime() < deadline) {
            Thread.sleep(50);
            n = openFds();
        }
        return n;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
