package io.jselectors.echo;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Prints the {@code --stats} lines every interval from a daemon thread of its own: connections open, accepted
 * and rejected per second, bytes and messages (reads) per second, unsent bytes buffered, the JVM's heap in
 * use and the process's resident memory; then the {@code loops:} line, each loop's connections and bytes per
 * second, so the spread over the loops shows.
 */
final class StatsReporter {
    private final EchoServer server;
    private final EchoStats stats;
    private final Duration interval;
    private final PrintStream out;
    private final Thread thread;
    private volatile boolean stopped;

    StatsReporter(EchoServer server, EchoStats stats, Duration interval, PrintStream out) {
        this.server = server;
        this.stats = stats;
        this.interval = interval;
        this.out = out;
        this.thread = Thread.ofPlatform().daemon().name("echo-stats").unstarted(this::loop);
    }

    void start() {
        thread.start();
    }

    void stop() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        EchoStats.Snapshot prev = stats.snapshot();
        List<EchoWorker.Sample> prevSamples = server.samples();
        long period = Math.max(1, interval.toNanos());
        long next = System.nanoTime() + period;
        while (!stopped) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(Duration.ofNanos(wait));
                } catch (InterruptedException e) {
                    return;
                }
                continue;
            }
            next += period;
            EchoStats.Snapshot now = stats.snapshot();
            List<EchoWorker.Sample> samples = server.samples();
            String line = EchoStats.statsLine(prev, now, buffered(samples)) + " " + memory();
            String loops = loopsLine(prevSamples, samples, (now.nanos() - prev.nanos()) / 1e9);
            prev = now;
            prevSamples = samples;
            synchronized (out) {
                out.println(line);
                out.println(loops);
                out.flush();
            }
        }
    }

    /** Unsent bytes over every loop, or -1 if a loop did not answer. */
    private static long buffered(List<EchoWorker.Sample> samples) {
        long sum = 0;
        for (EchoWorker.Sample s : samples) {
            if (s == null) {
                return -1;
            }
            sum += s.buffered();
        }
        return sum;
    }

    /**
     * The spread over the loops: "loops: #0 connections=500 bytes/s=1.2MiB served=500, #1 connections=498
     * bytes/s=1.1MiB served=498" (served: every connection the loop has had since it started)
     * ("?" for a loop that did not answer).
     */
    static String loopsLine(List<EchoWorker.Sample> prev, List<EchoWorker.Sample> now, double secs) {
        StringBuilder b = new StringBuilder("loops:");
        for (int i = 0; i < now.size(); i++) {
            EchoWorker.Sample s = now.get(i);
            EchoWorker.Sample p = i < prev.size() ? prev.get(i) : null;
            b.append(i == 0 ? " #" : ", #").append(i);
            if (s == null) {
                b.append(" ?");
                continue;
            }
            b.append(" connections=").append(s.connections()).append(" bytes/s=")
                    .append(p == null ? "?" : EchoStats.human((s.bytesIn() - p.bytesIn()) / Math.max(1e-9, secs)))
                    .append(" served=").append(s.served());
        }
        return b.toString();
    }

    /**
     * "heap=12.0MiB rss=48.2MiB": heap in use, and the process's resident memory (heap, JIT, thread stacks,
     * and the native buffers of the loops, which the JVM's own counters do not see) where /proc tells it.
     */
    static String memory() {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        long heap = mem.getHeapMemoryUsage().getUsed();
        long rss = residentBytes();
        return "heap=" + EchoStats.human(heap) + (rss < 0 ? "" : " rss=" + EchoStats.human(rss));
    }

    /** VmRSS from /proc/self/status, or -1 where there is none. */
    static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
