package io.jselectors.bench.load;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.HdrHistogram.Histogram;

/**
 * A closed-loop echo load generator on one thread and one JDK {@link Selector}: each active
 * connection keeps {@code pipeline} messages in flight and sends the next as soon as one comes back.
 *
 * <p>Every connection sends a deterministic byte stream (a pseudo-random pattern with a prime period,
 * offset per connection), and every byte that comes back is compared with what was sent at that
 * stream offset (vectorised {@link MemorySegment#mismatch}). A wrong byte, more bytes than were sent,
 * an end of stream or a reset on any connection, a byte on an idle connection, or an echo that stalls
 * after the run fails the run with a {@link LoadFailure}.
 *
 * <p>A message's round trip is measured from when it is handed to the socket (or queued behind
 * earlier bytes) to when its last byte is read back. The hot loop allocates nothing.
 *
 * <p>With a {@linkplain LoadConfig#rate() rate} the load is paced instead: message {@code k} is due
 * {@code k / rate} seconds after the start and goes to connection {@code k % connections}; a connection
 * whose {@code pipeline} messages are all still in flight when one falls due sends it as soon as one comes
 * back. A generator that falls more than {@link #MAX_LAG_NANOS} behind its schedule skips the missed
 * messages (counted in neither the rate nor the results): the achieved msg/s is what the results report.
 */
public final class LoadGenerator {
    /** Stream byte i of a connection is PATTERN[(i + base) % PERIOD]. */
    private static final int PERIOD = 65521;
    private static final int CHUNK = 64 * 1024;
    private static final long DRAIN_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** How far a paced run may fall behind before it skips messages rather than sending a burst. */
    static final long MAX_LAG_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Below this wait a paced run polls and parks instead of selecting with a millisecond timeout. */
    private static final long FINE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final LoadConfig config;
    private final ByteBuffer pattern;
    private final MemorySegment patternSeg;
    private final ByteBuffer readBuf = ByteBuffer.allocateDirect(CHUNK);
    private final MemorySegment readSeg = MemorySegment.ofBuffer(readBuf);
    private final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    private Selector selector;
    private final List<Conn> conns = new ArrayList<>();
    private final List<SocketChannel> idle = new ArrayList<>();
    private boolean measuring;
    private boolean stopping;
    private long completed;
    private LoadFailure failure;
    private Runnable windowStart = () -> {};
    private Runnable windowEnd = () -> {};
    /** Paced runs: the index of the next message due, and when it is due (System.nanoTime). */
    private long nextMessage;
    private long nextDue;
    private double nanosPerMessage;

    /** One active connection's streams. */
    private final class Conn {
        final int index;
        final SocketChannel ch;
        final long base;
        final ByteBuffer writeView = pattern.duplicate();
        final long[] sendTimes;
        SelectionKey key;
        long queued; // stream bytes handed to us to send (whole messages)
        long sent; // stream bytes the socket took
        long received; // stream bytes read back and verified
        long messagesQueued;
        long messagesDone;
        long owed; // paced runs: messages that fell due while the pipeline was full

        Conn(int index, SocketChannel ch) {
            this.index = index;
            this.ch = ch;
            this.base = (index * 7919L) % PERIOD;
            this.sendTimes = new long[config.pipeline()];
        }
    }

    /**
     * @param config what to run
     */
    public LoadGenerator(LoadConfig config) {
        this.config = config;
        byte[] bytes = new byte[PERIOD + CHUNK];
        new Random(0x5EEDL).nextBytes(bytes);
        // Wraps around, so that any window of CHUNK bytes is contiguous. CHUNK > PERIOD: the copy overlaps
        // its source and must go byte by byte (System.arraycopy would copy the unwrapped originals).
        for (int i = PERIOD; i < bytes.length; i++) {
            bytes[i] = bytes[i - PERIOD];
        }
        pattern = ByteBuffer.allocateDirect(bytes.length);
        pattern.put(bytes).clear();
        patternSeg = MemorySegment.ofBuffer(pattern);
    }

    /**
     * Runs code at the start and at the end of the measured window (on the load thread; keep it short).
     *
     * @param start called when measuring begins
     * @param end   called when it ends, before the drain
     * @return this generator
     */
    public LoadGenerator onWindow(Runnable start, Runnable end) {
        this.windowStart = start;
        this.windowEnd = end;
        return this;
    }

    /**
     * Connects, warms up, measures, drains and checks the idle connections.
     *
     * @return the measurements of the measured window
     * @throws LoadFailure on any verification failure or dropped connection
     * @throws IOException if the target cannot be reached at all
     */
    public LoadResult run() throws LoadFailure, IOException {
        selector = Selector.open();
        ProgressBar bar = null;
        try {
            connect();
            long warmupNanos = config.warmup().toNanos();
            long durationNanos = config.duration().toNanos();
            if (config.progress()) {
                bar = new ProgressBarBuilder()
                        .setTaskName("echo-load")
                        .setInitialMax(TimeUnit.NANOSECONDS.toMillis(warmupNanos + durationNanos))
                        .setUnit(" s", 1000)
                        .setStyle(ProgressBarStyle.ASCII)
                        .setUpdateIntervalMillis(250)
                        .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
                        .build();
            }
            long start = System.nanoTime();
            if (config.rate() > 0) {
                nanosPerMessage = 1e9 / config.rate();
                nextDue = start;
            } else {
                for (Conn c : conns) {
                    for (int i = 0; i < config.pipeline(); i++) {
                        queueMessage(c, System.nanoTime());
                    }
                    write(c);
                }
            }
            long measureStart = start + warmupNanos;
            long end = measureStart + durationNanos;
            ProcStat.Cpu server0 = null;
            ProcStat.Cpu client0 = null;
            long completed0 = 0;
            long now = start;
            long lastBar = start;
            while (now < end) {
                if (!measuring && now >= measureStart) {
                    measuring = true;
                    histogram.reset();
                    completed0 = completed;
                    server0 = serverCpu();
                    client0 = ProcStat.processCpu(ProcessHandle.current().pid());
                    windowStart.run();
                }
                long until = measuring ? end : measureStart;
                if (config.rate() > 0) {
                    now = sendDue(now, start);
                    until = Math.min(until, nextDue);
                }
                long wait = until - now;
                if (wait < FINE_WAIT_NANOS) {
                    // A paced run's next message is due within the millisecond select's timeout can express.
                    if (selector.selectNow(this::onReady) == 0 && wait > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                } else {
                    selector.select(this::onReady, Math.min(TimeUnit.NANOSECONDS.toMillis(wait), 100));
                }
                if (failure != null) {
                    throw failure;
                }
                now = System.nanoTime();
                if (bar != null && now - lastBar > 200_000_000L) {
                    lastBar = now;
                    bar.stepTo(TimeUnit.NANOSECONDS.toMillis(now - start));
                    bar.setExtraMessage(measuring
                            ? String.format(java.util.Locale.ROOT, "measuring, %,.0f msg/s",
                                    (completed - completed0) / Math.max(1e-9, (now - measureStart) / 1e9))
                            : "warming up");
                }
            }
            long measured = completed - completed0;
            windowEnd.run();
            ProcStat.Cpu serverCpu = server0 == null ? null : serverCpu().minus(server0);
            ProcStat.Cpu clientCpu = ProcStat.processCpu(ProcessHandle.current().pid()).minus(client0);
            long rss = config.serverPid() > 0 ? ProcStat.treeRssBytes(config.serverPid()) : 0;
            double seconds = (now - measureStart) / 1e9;
            measuring = false;
            if (bar != null) {
                bar.stepTo(bar.getMax());
                bar.close();
                bar = null;
            }
            drain();
            checkIdle();
            return new LoadResult(config.connections(), config.idle(), config.size(), config.pipeline(), seconds,
                    measured, micros(histogram.getValueAtPercentile(50)), micros(histogram.getValueAtPercentile(99)),
                    micros(histogram.getValueAtPercentile(99.9)), micros(histogram.getMaxValue()), serverCpu, rss,
                    clientCpu);
        } finally {
            if (bar != null) {
                bar.close();
            }
            closeAll();
        }
    }

    private ProcStat.Cpu serverCpu() throws IOException {
        return config.serverPid() > 0 ? ProcStat.treeCpu(config.serverPid()) : null;
    }

    private static double micros(long nanos) {
        return nanos / 1000.0;
    }

    private void connect() throws IOException, LoadFailure {
        for (int i = 0; i < config.connections() + config.idle(); i++) {
            SocketChannel ch;
            try {
                ch = SocketChannel.open(config.target());
            } catch (IOException e) {
                throw new LoadFailure("connection " + i + " to " + config.target() + " failed: " + e.getMessage()
                        + (i > 0 ? " (after " + i + " connected)" : ""), e);
            }
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.configureBlocking(false);
            if (i < config.connections()) {
                Conn c = new Conn(i, ch);
                c.key = ch.register(selector, SelectionKey.OP_READ, c);
                conns.add(c);
            } else {
                ch.register(selector, SelectionKey.OP_READ, null);
                idle.add(ch);
            }
        }
    }

    private void queueMessage(Conn c, long now) {
        c.sendTimes[(int) (c.messagesQueued % c.sendTimes.length)] = now;
        c.messagesQueued++;
        c.queued += config.size();
    }

    private void onReady(SelectionKey key) {
        if (failure != null) {
            return;
        }
        Object att = key.attachment();
        if (!(att instanceof Conn c)) {
            failure = idleFailure((SocketChannel) key.channel());
            return;
        }
        try {
            if (key.isReadable()) {
                read(c);
            }
            if (failure == null && c.queued > c.sent) {
                write(c);
            }
        } catch (IOException e) {
            failure = new LoadFailure("connection " + c.index + " dropped after " + c.received + " bytes echoed: "
                    + e.getMessage(), e);
        }
    }

    private void read(Conn c) throws IOException {
        readBuf.clear();
        int n = c.ch.read(readBuf);
        if (n < 0) {
            failure = new LoadFailure("connection " + c.index + " closed by the server after " + c.received
                    + " of " + c.sent + " bytes echoed");
            return;
        }
        if (n == 0) {
            return;
        }
        if (c.received + n > c.sent) {
            failure = new LoadFailure("connection " + c.index + " received " + (c.received + n)
                    + " bytes but only " + c.sent + " were sent");
            return;
        }
        long from = (c.received + c.base) % PERIOD;
        long at = MemorySegment.mismatch(readSeg, 0, n, patternSeg, from, from + n);
        if (at >= 0) {
            failure = new LoadFailure(String.format(
                    "connection %d: byte %d of the stream came back as 0x%02x, expected 0x%02x",
                    c.index, c.received + at, readSeg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, at) & 0xff,
                    patternSeg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, from + at) & 0xff));
            return;
        }
        c.received += n;
        long done = c.received / config.size();
        if (done > c.messagesDone) {
            long now = System.nanoTime();
            while (c.messagesDone < done) {
                long sentAt = c.sendTimes[(int) (c.messagesDone % c.sendTimes.length)];
                if (measuring) {
                    histogram.recordValue(Math.min(now - sentAt, histogram.getHighestTrackableValue()));
                }
                c.messagesDone++;
                completed++;
                if (stopping) {
                    continue;
                }
                if (config.rate() == 0) {
                    queueMessage(c, now);
                } else if (c.owed > 0) {
                    c.owed--;
                    queueMessage(c, now);
                }
            }
        }
    }

    /**
     * Paced runs: sends every message due by {@code now}, each to its connection (or owed to it while its
     * pipeline is full); skips ahead when more than {@link #MAX_LAG_NANOS} behind.
     *
     * @return the time now
     */
    private long sendDue(long now, long start) throws IOException {
        if (now - nextDue > MAX_LAG_NANOS) {
            nextMessage += (long) ((now - nextDue) / nanosPerMessage);
            nextDue = start + (long) (nextMessage * nanosPerMessage);
        }
        while (nextDue <= now && failure == null) {
            Conn c = conns.get((int) (nextMessage % conns.size()));
            if (c.messagesQueued - c.messagesDone < config.pipeline()) {
                queueMessage(c, now);
                write(c);
            } else {
                c.owed++;
            }
            nextMessage++;
            nextDue = start + (long) (nextMessage * nanosPerMessage);
        }
        return System.nanoTime();
    }

    private void write(Conn c) throws IOException {
        while (c.queued > c.sent) {
            int p = (int) ((c.sent + c.base) % PERIOD);
            int len = (int) Math.min(c.queued - c.sent, CHUNK);
            c.writeView.limit(p + len).position(p);
            int w = c.ch.write(c.writeView);
            c.sent += w;
            if (w < len) {
                break;
            }
        }
        int want = c.queued > c.sent ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ;
        if (c.key.interestOps() != want) {
            c.key.interestOps(want);
        }
    }

    /** Stops sending and waits for every byte in flight to come back. */
    private void drain() throws IOException, LoadFailure {
        stopping = true;
        long deadline = System.nanoTime() + DRAIN_TIMEOUT_NANOS;
        while (true) {
            long outstanding = 0;
            for (Conn c : conns) {
                outstanding += c.queued - c.received;
            }
            if (outstanding == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new LoadFailure(outstanding + " bytes sent were never echoed (waited "
                        + TimeUnit.NANOSECONDS.toSeconds(DRAIN_TIMEOUT_NANOS) + " s after the run)");
            }
            selector.select(this::onReady, 100);
            if (failure != null) {
                throw failure;
            }
        }
    }

    /** Any readiness on an idle connection (data, end of stream, reset) is a failure. */
    private void checkIdle() throws LoadFailure {
        selector.selectedKeys().clear();
        for (SocketChannel ch : idle) {
            if (!ch.isConnected()) {
                throw idleFailure(ch);
            }
        }
        try {
            selector.selectNow(this::onReady);
        } catch (IOException e) {
            throw new LoadFailure("select failed while checking idle connections: " + e.getMessage(), e);
        }
        if (failure != null) {
            throw failure;
        }
    }

    private LoadFailure idleFailure(SocketChannel ch) {
        readBuf.clear();
        String what;
        try {
            int n = ch.read(readBuf);
            what = n < 0 ? "was closed by the server" : "received " + n + " unexpected bytes";
        } catch (IOException e) {
            what = "dropped: " + e.getMessage();
        }
        return new LoadFailure("idle connection " + (idle.indexOf(ch) + config.connections()) + " " + what);
    }

    private void closeAll() throws IOException {
        for (Conn c : conns) {
            c.ch.close();
        }
        for (SocketChannel ch : idle) {
            ch.close();
        }
        if (selector != null) {
            selector.close();
        }
    }
}
