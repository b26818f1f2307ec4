package io.jselectors.bench.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Waits, between cells, until the machine's CPUs are nearly idle: closing 10,000 connections and killing
 * a server leaves the kernel tearing sockets down for a while, which would otherwise land in the next
 * cell (always the next server's), and a burst from another program is better waited out than measured.
 */
final class Quiet {
    private Quiet() {}

    /**
     * @param maxMillis  give up after this long
     * @param busyBelow  the share of all CPUs (0..1) that counts as quiet
     * @return how long it waited, in milliseconds
     */
    static long waitForQuiet(long maxMillis, double busyBelow) {
        long start = System.currentTimeMillis();
        try {
            long[] before = read();
            while (System.currentTimeMillis() - start < maxMillis) {
                ServerProcess.sleep(250);
                long[] after = read();
                long total = after[0] - before[0];
                long idle = after[1] - before[1];
                before = after;
                if (total > 0 && (total - idle) / (double) total < busyBelow) {
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc/stat: nothing to wait for
        }
        return System.currentTimeMillis() - start;
    }

    /** @return {total jiffies, idle + iowait jiffies} of all CPUs, from the first line of /proc/stat */
    private static long[] read() throws IOException {
        String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
        String[] f = first.trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < f.length; i++) {
            total += Long.parseLong(f[i]);
        }
        return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
    }
}
