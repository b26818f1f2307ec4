package io.jselectors.echo;

import io.jselectors.ErrnoException;
import io.jselectors.loop.EventLoop;
import io.jselectors.loop.Server;
import io.jselectors.loop.ServerOptions;
import io.jselectors.net.ListenOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One event loop on one thread and the connections it serves; the first worker also holds the listening
 * socket (with {@code --reuse-port}, every worker holds one of its own).
 */
final class EchoWorker {
    private final int index;
    private final EchoConfig config;
    private final EchoStats stats;
    private final Consumer<Throwable> onFailure;
    private final EventLoop loop;
    private Server server;
    private Thread thread;
    /** Intrusive list of the open connections; touched on the loop thread only. */
    private EchoConnection head;
    private int count;
    /** Connections this loop has served since it started; loop thread only. */
    private long served;
    /**
     * Bytes and messages (reads) received by this loop's connections: written by the loop thread alone,
     * with opaque stores (plain moves, no atomic operation per message), read by the stats thread with
     * opaque loads through {@link #bytesIn()} and {@link #messages()}.
     */
    private long bytesIn;
    private long messages;
    private static final java.lang.invoke.VarHandle BYTES_IN;
    private static final java.lang.invoke.VarHandle MESSAGES;

    static {
        try {
            var lookup = java.lang.invoke.MethodHandles.lookup();
            BYTES_IN = lookup.findVarHandle(EchoWorker.class, "bytesIn", long.class);
            MESSAGES = lookup.findVarHandle(EchoWorker.class, "messages", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    private volatile boolean stopping;

    EchoWorker(int index, EchoConfig config, EchoStats stats, Consumer<Throwable> onFailure) throws IOException {
        this.index = index;
        this.config = config;
        this.stats = stats;
        this.onFailure = onFailure;
        this.loop = EventLoop.open(config.opener()::open); // the loop owns its selector
        stats.add(this);
    }

    /** Loop thread: one read of n bytes by one of this loop's connections. */
    void received(long n) {
        BYTES_IN.setOpaque(this, bytesIn + n);
        MESSAGES.setOpaque(this, messages + 1);
    }

    /** @return bytes received so far (any thread) */
    long bytesIn() {
        return (long) BYTES_IN.getOpaque(this);
    }

    /** @return reads so far (any thread) */
    long messages() {
        return (long) MESSAGES.getOpaque(this);
    }

    EchoConfig config() {
        return config;
    }

    String backend() {
        return loop.backend();
    }

    boolean isStopping() {
        return stopping;
    }

    /**
     * Opens a listening socket on this worker's loop, whose connections are served by {@code servers} in turn.
     *
     * @param reusePort SO_REUSEPORT on the listening socket
     * @param servers   the workers that serve the accepted connections (this one may be among them)
     * @return the address bound (with the port chosen when asked for 0)
     * @throws UserError if the address is in use, not on this machine, or not allowed
     */
    InetSocketAddress listen(InetSocketAddress address, boolean reusePort, List<EchoWorker> servers)
            throws UserError, IOException {
        ServerOptions options = ServerOptions.DEFAULTS
                .withListen(ListenOptions.DEFAULTS.withReusePort(reusePort))
                .withBacklog(4096);
        Map<EventLoop, EchoWorker> byLoop = new IdentityHashMap<>();
        List<EventLoop> loops = new ArrayList<>();
        for (EchoWorker w : servers) {
            byLoop.put(w.loop, w);
            loops.add(w.loop);
        }
        try {
            server = loop.createServer(address, l -> new EchoConnection(byLoop.get(l), stats), options, loops);
        } catch (ErrnoException e) {
            throw bindError(address, e);
        }
        return (InetSocketAddress) server.localAddress();
    }

    private static UserError bindError(InetSocketAddress address, ErrnoException e) {
        String where = EchoMain.format(address);
        return switch (e.errnoName()) {
            case "EADDRINUSE" -> new UserError("cannot listen on " + where
                    + ": the port is in use (stop the other server or choose another --port; 0 picks a free one)", e);
            case "EADDRNOTAVAIL" -> new UserError("cannot listen on " + where
                    + ": that address is not on this machine (try --host 127.0.0.1)", e);
            case "EACCES" -> new UserError("cannot listen on " + where
                    + ": permission denied (ports below 1024 need privileges; choose another --port)", e);
            default -> new UserError("cannot listen on " + where + ": " + e.getMessage(), e);
        };
    }

    /** Starts the loop's thread. */
    void start() {
        if (!config.idleTimeout().isZero()) {
            long t = config.idleTimeout().toNanos();
            Duration period = Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(50), t / 4));
            loop.schedule(period, new Runnable() {
                @Override
                public void run() {
                    sweepIdle(System.nanoTime(), t);
                    if (!stopping) {
                        loop.schedule(period, this);
                    }
                }
            });
        }
        thread = Thread.ofPlatform().name("echo-loop-" + index).start(() -> {
            try {
                loop.run();
            } catch (Throwable e) {
                onFailure.accept(e);
            }
        });
    }

    void add(EchoConnection c) {
        c.next = head;
        c.prev = null;
        if (head != null) {
            head.prev = c;
        }
        head = c;
        c.linked = true;
        count++;
        served++;
    }

    void remove(EchoConnection c) {
        if (!c.linked) {
            return;
        }
        if (c.prev != null) {
            c.prev.next = c.next;
        } else {
            head = c.next;
        }
        if (c.next != null) {
            c.next.prev = c.prev;
        }
        c.prev = c.next = null;
        c.linked = false;
        count--;
    }

    private void sweepIdle(long now, long timeoutNanos) {
        EchoConnection c = head;
        while (c != null) {
            EchoConnection next = c.next; // closing may unlink c
            c.closeIfIdle(now, timeoutNanos);
            c = next;
        }
    }

    /** One loop's counters at one moment. */
    record Sample(int connections, long served, long bytesIn, long buffered) {}

    /** This loop's counters, measured on its thread; null if it does not answer within a second. */
    Sample sample() {
        CompletableFuture<Sample> f = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                long sum = 0;
                for (EchoConnection c = head; c != null; c = c.next) {
                    sum += c.writeBufferSize();
                }
                f.complete(new Sample(count, served, bytesIn, sum));
            });
            return f.get(1, TimeUnit.SECONDS);
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * First step of a graceful stop: close the listening socket; every connection goes on echoing until it
     * has been quiet for {@link #QUIET}, then shuts its write side.
     */
    void beginStop() {
        if (stopping) {
            return;
        }
        stopping = true;
        CompletableFuture<Void> closed = new CompletableFuture<>();
        loop.execute(() -> {
            if (server != null) {
                server.close();
            }
            closed.complete(null);
            for (EchoConnection c = head; c != null; c = c.next) {
                c.drain();
            }
            drainTick();
        });
        if (thread != null && thread.isAlive()) {
            try {
                closed.get(5, TimeUnit.SECONDS); // so "stopping" is printed once nothing accepts any more
            } catch (Exception e) {
                // a loop that does not answer is aborted by finishStop
            }
        }
    }

    /** A connection that received nothing for this long, with every echo flushed, has no echo in flight. */
    static final Duration QUIET = Duration.ofMillis(50);

    private void drainTick() {
        long now = System.nanoTime();
        EchoConnection c = head;
        while (c != null) {
            EchoConnection next = c.next;
            c.shutIfQuiet(now, QUIET.toNanos());
            c = next;
        }
        loop.schedule(Duration.ofMillis(10), this::drainTick);
    }

    /**
     * Last step: abort what is left, stop the loop, wait for its thread, free it.
     *
     * @return the connections aborted: [0] those that had all their echoes and were only kept open by their
     *         peer, [1] those cut off with echoes in flight
     */
    int[] finishStop() {
        stopping = true;
        CompletableFuture<int[]> aborted = new CompletableFuture<>();
        if (thread != null && thread.isAlive()) {
            loop.execute(() -> {
                int[] n = new int[2];
                if (server != null) {
                    server.close();
                }
                EchoConnection c = head;
                while (c != null) {
                    EchoConnection next = c.next;
                    n[c.abort() ? 1 : 0]++;
                    c = next;
                }
                aborted.complete(n);
                loop.stop();
            });
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            aborted.complete(new int[2]);
        }
        try {
            loop.close(); // closes the selector too
        } catch (RuntimeException e) {
            onFailure.accept(e);
        }
        return aborted.getNow(new int[2]);
    }
}
