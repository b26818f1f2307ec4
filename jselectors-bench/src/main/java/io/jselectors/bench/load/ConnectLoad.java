package io.jselectors.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * Connection churn against an echo server: each of {@code concurrency} client threads connects, sends one
 * message, reads its echo back and checks every byte, closes, and starts over. What it measures is the
 * server's accept path (accepting, handing the socket to a loop, registering, the first read, the close),
 * which a steady echo of long-lived connections never touches.
 *
 * <p>Each message is different (its bytes follow from the thread and the connection's sequence number),
 * so an echo sent on the wrong connection is caught. A wrong byte, an early end of stream or any error
 * fails the run.
 */
public final class ConnectLoad {
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int READ_TIMEOUT_MS = 10_000;

    /**
     * What to run.
     *
     * @param target      the echo server
     * @param concurrency client threads, each with one connection at a time
     * @param size        bytes of the one message per connection
     * @param warmup      time before the measured window
     * @param duration    the measured window
     * @param serverPid   the server's process, for its CPU from /proc; 0 for none
     */
    public record Config(InetSocketAddress target, int concurrency, int size, Duration warmup, Duration duration,
            long serverPid) {
        /** Checks the numbers. */
        public Config {
            if (concurrency < 1 || size < 1 || duration.isNegative() || duration.isZero() || warmup.isNegative()) {
                throw new IllegalArgumentException("concurrency and size must be >= 1, duration > 0, warmup >= 0");
            }
        }
    }

    /**
     * The measured window.
     *
     * @param config      what ran
     * @param connections connections that connected, echoed correctly and closed within the window
     * @param seconds     the window's length
     * @param p50Micros   median time from starting the connect to having read the whole echo
     * @param p99Micros   its 99th percentile
     * @param serverCpu   the server's CPU over the window, or null without a server pid
     * @param clientCpu   this process's CPU over the window
     */
    public record Result(Config config, long connections, double seconds, double p50Micros, double p99Micros,
            ProcStat.Cpu serverCpu, ProcStat.Cpu clientCpu) {
        /** @return connections per second */
        public double connectionsPerSecond() {
            return connections / seconds;
        }

        /** @return the server's user + system CPU per connection, in microseconds (NaN without a pid) */
        public double serverMicrosPerConnection() {
            return serverCpu == null ? Double.NaN : serverCpu.totalSeconds() * 1e6 / connections;
        }

        /** @return the server's user-mode CPU per connection, in microseconds (NaN without a pid) */
        public double serverUserMicrosPerConnection() {
            return serverCpu == null ? Double.NaN : serverCpu.userSeconds() * 1e6 / connections;
        }

        /** @return one line for people */
        public String summary() {
            return String.format(Locale.ROOT,
                    "connect-load: %d clients x %d B: %,.0f conn/s, connect+echo p50 %.1f us p99 %.1f us; %d connections"
                            + " verified in %.2f s; client CPU %.0f%%%s",
                    config.concurrency(), config.size(), connectionsPerSecond(), p50Micros, p99Micros, connections,
                    seconds, 100 * clientCpu.totalSeconds() / seconds,
                    serverCpu == null ? "" : String.format(Locale.ROOT,
                            ", server CPU %.0f%% (%.1f us/conn, user %.1f us/conn)",
                            100 * serverCpu.totalSeconds() / seconds, serverMicrosPerConnection(),
                            serverUserMicrosPerConnection()));
        }

        /** @return one JSON object on one line */
        public String toJson() {
            return String.format(Locale.ROOT,
                    "{\"concurrency\":%d,\"size\":%d,\"seconds\":%.3f,\"connections\":%d,\"connectionsPerSecond\":%.1f,"
                            + "\"p50Micros\":%.1f,\"p99Micros\":%.1f,\"serverMicrosPerConnection\":%s,"
                            + "\"serverUserMicrosPerConnection\":%s,\"clientCpuSeconds\":%.2f}",
                    config.concurrency(), config.size(), seconds, connections, connectionsPerSecond(), p50Micros,
                    p99Micros, json(serverMicrosPerConnection()), json(serverUserMicrosPerConnection()),
                    clientCpu.totalSeconds());
        }

        private static String json(double v) {
            return Double.isNaN(v) ? "null" : String.format(Locale.ROOT, "%.2f", v);
        }
    }

    private final Config config;
    private final LongAdder completed = new LongAdder();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private volatile boolean measuring;
    private volatile boolean stopping;

    /**
     * @param config what to run
     */
    public ConnectLoad(Config config) {
        this.config = config;
    }

    /**
     * Runs the warmup and the measured window.
     *
     * @return the window's figures
     * @throws LoadFailure          if an echo was wrong or a connection failed
     * @throws IOException          if /proc cannot be read for the server pid
     * @throws InterruptedException if interrupted
     */
    public Result run() throws LoadFailure, IOException, InterruptedException {
        List<Client> clients = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < config.concurrency(); i++) {
            Client c = new Client(i);
            clients.add(c);
            threads.add(Thread.ofPlatform().daemon().name("connect-load-" + i).start(c));
        }
        try {
            sleepUnlessFailed(config.warmup());
            ProcStat.Cpu server0 = serverCpu();
            ProcStat.Cpu client0 = ProcStat.processCpu(ProcessHandle.current().pid());
            long n0 = completed.sum();
            long t0 = System.nanoTime();
            measuring = true;
            sleepUnlessFailed(config.duration());
            measuring = false;
            long t1 = System.nanoTime();
            long n1 = completed.sum();
            ProcStat.Cpu server1 = serverCpu();
            ProcStat.Cpu client1 = ProcStat.processCpu(ProcessHandle.current().pid());
            stopping = true;
            for (Thread t : threads) {
                t.join(READ_TIMEOUT_MS + CONNECT_TIMEOUT_MS);
            }
            if (failure.get() != null) {
                throw new LoadFailure(failure.get());
            }
            Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            for (Client c : clients) {
                h.add(c.latency);
            }
            return new Result(config, n1 - n0, (t1 - t0) / 1e9, h.getValueAtPercentile(50) / 1e3,
                    h.getValueAtPercentile(99) / 1e3, server0 == null ? null : server1.minus(server0),
                    client1.minus(client0));
        } finally {
            stopping = true;
        }
    }

    private void sleepUnlessFailed(Duration d) throws InterruptedException, LoadFailure {
        long end = System.nanoTime() + d.toNanos();
        long left;
        while ((left = end - System.nanoTime()) > 0) {
            if (failure.get() != null) {
                stopping = true;
                throw new LoadFailure(failure.get());
            }
            Thread.sleep(Math.min(50, Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))));
        }
    }

    private ProcStat.Cpu serverCpu() throws IOException {
        return config.serverPid() > 0 ? ProcStat.treeCpu(config.serverPid()) : null;
    }

    /** One client thread: connection after connection. */
    private final class Client implements Runnable {
        private final int id;
        private final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        private final byte[] sent = new byte[config.size()];
        private final byte[] received = new byte[config.size()];

        Client(int id) {
            this.id = id;
        }

        @Override
        public void run() {
            long seq = 0;
            try {
                while (!stopping) {
                    fill(sent, ((long) id << 40) ^ seq++);
                    long start = System.nanoTime();
                    once();
                    long took = System.nanoTime() - start;
                    if (measuring) {
                        latency.recordValue(Math.min(took, latency.getHighestTrackableValue()));
                        completed.increment();
                    }
                }
            } catch (IOException | RuntimeException e) {
                failure.compareAndSet(null, "client " + id + ", connection " + (seq - 1) + ": " + e);
            }
        }

        private void once() throws IOException {
            try (Socket s = new Socket()) {
                s.setTcpNoDelay(true);
                s.connect(config.target(), CONNECT_TIMEOUT_MS);
                s.setSoTimeout(READ_TIMEOUT_MS);
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                out.write(sent);
                int got = 0;
                while (got < received.length) {
                    int n = in.read(received, got, received.length - got);
                    if (n < 0) {
                        throw new IOException("end of stream after " + got + " of " + received.length + " echoed bytes");
                    }
                    got += n;
                }
                for (int i = 0; i < sent.length; i++) {
                    if (sent[i] != received[i]) {
                        throw new IOException("wrong echo at byte " + i + ": sent " + (sent[i] & 0xff) + ", got "
                                + (received[i] & 0xff));
                    }
                }
            }
        }
    }

    /** Fills b with bytes that follow from seed (xorshift), different for every connection. */
    static void fill(byte[] b, long seed) {
        long x = seed * 0x9E3779B97F4A7C15L + 1;
        for (int i = 0; i < b.length; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            b[i] = (byte) x;
        }
    }
}
