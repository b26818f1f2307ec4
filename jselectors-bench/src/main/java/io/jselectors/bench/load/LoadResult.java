package io.jselectors.bench.load;

import java.util.Locale;

/**
 * What one load run measured, over the measured window only (warmup excluded).
 *
 * @param connections      active connections
 * @param idle             idle connections
 * @param size             bytes per message
 * @param pipeline         messages in flight per connection
 * @param seconds          length of the measured window
 * @param messages         messages echoed and verified in the window
 * @param p50Micros        round-trip latency, median
 * @param p99Micros        99th percentile
 * @param p999Micros       99.9th percentile
 * @param maxMicros        maximum
 * @param serverCpu        server CPU in the window (null when no pid was given)
 * @param serverRssBytes   server resident memory at the end of the window (0 when no pid)
 * @param clientCpu        this process's CPU in the window
 */
public record LoadResult(
        int connections,
        int idle,
        int size,
        int pipeline,
        double seconds,
        long messages,
        double p50Micros,
        double p99Micros,
        double p999Micros,
        double maxMicros,
        ProcStat.Cpu serverCpu,
        long serverRssBytes,
        ProcStat.Cpu clientCpu) {

    /** @return echoed messages per second */
    public double messagesPerSecond() {
        return messages / seconds;
    }

    /** @return echoed payload, one direction, in MB (10^6 bytes) per second */
    public double megabytesPerSecond() {
        return messages * (double) size / seconds / 1e6;
    }

    /** @return server CPU (user + system) per message in microseconds, NaN without a server pid or messages */
    public double serverCpuMicrosPerMessage() {
        return serverCpu == null || messages == 0 ? Double.NaN : serverCpu.totalSeconds() * 1e6 / messages;
    }

    /** @return server user CPU per message in microseconds */
    public double serverUserMicrosPerMessage() {
        return serverCpu == null || messages == 0 ? Double.NaN : serverCpu.userSeconds() * 1e6 / messages;
    }

    /** @return the server's share of one core over the window (1.0 = one core busy) */
    public double serverCpuShare() {
        return serverCpu == null ? Double.NaN : serverCpu.totalSeconds() / seconds;
    }

    /** @return this load generator's share of one core over the window */
    public double clientCpuShare() {
        return clientCpu.totalSeconds() / seconds;
    }

    /** @return one human line */
    public String summary() {
        return String.format(Locale.ROOT,
                "echo-load: %d conns (+%d idle) x %d B, pipeline %d: %,.0f msg/s, %.2f MB/s, latency p50 %.1f us"
                        + " p99 %.1f us p99.9 %.1f us max %.1f us; %d messages verified in %.2f s; client CPU %.0f%%%s",
                connections, idle, size, pipeline, messagesPerSecond(), megabytesPerSecond(), p50Micros, p99Micros,
                p999Micros, maxMicros, messages, seconds, 100 * clientCpuShare(),
                serverCpu == null ? "" : String.format(Locale.ROOT,
                        ", server CPU %.0f%% (%.2f us/msg, user %.2f us/msg), RSS %.1f MiB", 100 * serverCpuShare(),
                        serverCpuMicrosPerMessage(), serverUserMicrosPerMessage(), serverRssBytes / 1048576.0));
    }

    /** @return one JSON object on one line */
    public String toJson() {
        StringBuilder b = new StringBuilder("{");
        field(b, "connections", connections);
        field(b, "idle", idle);
        field(b, "size", size);
        field(b, "pipeline", pipeline);
        field(b, "seconds", seconds);
        field(b, "messages", messages);
        field(b, "messagesPerSecond", messagesPerSecond());
        field(b, "megabytesPerSecond", megabytesPerSecond());
        field(b, "p50Micros", p50Micros);
        field(b, "p99Micros", p99Micros);
        field(b, "p999Micros", p999Micros);
        field(b, "maxMicros", maxMicros);
        field(b, "clientCpuSeconds", clientCpu.totalSeconds());
        if (serverCpu != null) {
            field(b, "serverCpuSeconds", serverCpu.totalSeconds());
            field(b, "serverUserSeconds", serverCpu.userSeconds());
            field(b, "serverCpuMicrosPerMessage", serverCpuMicrosPerMessage());
            field(b, "serverUserMicrosPerMessage", serverUserMicrosPerMessage());
            field(b, "serverRssBytes", serverRssBytes);
        }
        b.setLength(b.length() - 1);
        return b.append('}').toString();
    }

    private static void field(StringBuilder b, String name, double v) {
        b.append('"').append(name).append("\":");
        if (Double.isFinite(v)) {
            b.append(v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.4f", v));
        } else {
            b.append("null");
        }
        b.append(',');
    }
}
