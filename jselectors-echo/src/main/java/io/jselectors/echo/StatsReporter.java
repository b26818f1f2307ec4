package io.jselectors.echo;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Prints the {@code --stats} line every interval from a daemon thread of its own: connections open, accepted
 * and rejected per second, bytes and messages (reads) per second, unsent bytes buffered, the JVM's heap in
 * use and the process's resident memory.
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
            String line = EchoStats.statsLine(prev, now, server.bufferedBytes()) + " " + memory();
            prev = now;
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        }
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
