package io.jselectors.echo;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's counters, shared by every event loop thread. Updating them allocates nothing; reading them
 * from another thread (the stats line, the totals) sees a recent, not an atomic, picture.
 */
final class EchoStats {
    /** Connections open now. */
    final AtomicInteger open = new AtomicInteger();
    /** Connections accepted and served, ever. */
    final LongAdder accepted = new LongAdder();
    /** Connections closed at once because --max-connections were open. */
    final LongAdder rejected = new LongAdder();
    /** Connections closed for silence (--idle-timeout). */
    final LongAdder idleClosed = new LongAdder();
    /** Connections that ended with an error (reset, ...). */
    final LongAdder failed = new LongAdder();
    /**
     * The loops, whose own counters of bytes received and of reads that delivered data (the "messages" of the
     * stats line) the snapshot adds up: per message nothing shared is touched.
     */
    private final java.util.List<EchoWorker> workers = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Times a connection's unsent bytes passed --max-buffer and reading from it was paused. */
    final LongAdder pauses = new LongAdder();

    /** A point-in-time copy of the counters, for rates and the totals. */
    record Snapshot(long nanos, int open, long accepted, long rejected, long idleClosed, long failed,
                    long bytesIn, long messages, long pauses) {}

    /** Counts this loop's bytes and messages in the snapshots. */
    void add(EchoWorker w) {
        workers.add(w);
    }

    Snapshot snapshot() {
        long bytesIn = 0;
        long messages = 0;
        for (EchoWorker w : workers) {
            bytesIn += w.bytesIn();
            messages += w.messages();
        }
        return new Snapshot(System.nanoTime(), open.get(), accepted.sum(), rejected.sum(), idleClosed.sum(),
                failed.sum(), bytesIn, messages, pauses.sum());
    }

    /** The periodic line: open connections, and per-second rates since the previous snapshot. */
    static String statsLine(Snapshot prev, Snapshot now, long bufferedBytes) {
        double secs = Math.max(1e-9, (now.nanos() - prev.nanos()) / 1e9);
        return String.format(java.util.Locale.ROOT,
                "stats: connections=%d accepted/s=%.0f rejected/s=%.0f bytes/s=%s messages/s=%.0f buffered=%s",
                now.open(),
                (now.accepted() - prev.accepted()) / secs,
                (now.rejected() - prev.rejected()) / secs,
                human((now.bytesIn() - prev.bytesIn()) / secs),
                (now.messages() - prev.messages()) / secs,
                bufferedBytes < 0 ? "?" : human(bufferedBytes));
    }

    /** The line printed at shutdown. */
    static String totalsLine(Snapshot start, Snapshot end) {
        double secs = (end.nanos() - start.nanos()) / 1e9;
        return String.format(java.util.Locale.ROOT,
                "totals: connections=%d rejected=%d idle-closed=%d failed=%d bytes=%d (%s) messages=%d"
                        + " read-pauses=%d uptime=%.1fs",
                end.accepted(), end.rejected(), end.idleClosed(), end.failed(), end.bytesIn(),
                human(end.bytesIn()), end.messages(), end.pauses(), secs);
    }

    /** 1536 -> "1.5KiB". */
    static String human(double bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int u = 0;
        while (bytes >= 1024 && u < units.length - 1) {
            bytes /= 1024;
            u++;
        }
        return u == 0 ? String.format(java.util.Locale.ROOT, "%.0f%s", bytes, units[u])
                : String.format(java.util.Locale.ROOT, "%.1f%s", bytes, units[u]);
    }
}
