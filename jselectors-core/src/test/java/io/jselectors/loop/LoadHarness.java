package io.jselectors.loop;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Load generator: one server loop holds N idle connections while a few active clients echo small
 * messages through it; reports the cost per message with 0 idle connections and with N, in one run.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp &lt;test class path&gt; io.jselectors.loop.LoadHarness \
 *      [backend=epoll] [idle=10000] [active=8] [seconds=3]
 * </pre>
 *
 * The idle connections' client ends live in a child JVM (one process cannot hold both ends of 10,000
 * connections under RLIMIT_NOFILE 20000). The active clients run on a second loop in this process.
 * "Loop CPU" is the server loop thread's CPU time divided by the messages it echoed.
 */
public final class LoadHarness {
    private static final int MESSAGE = 64;

    /** The result of one phase. */
    record Phase(int idle, long messages, double seconds, long loopCpuNanos) {
        double wallMicrosPerMessage(int active) {
            // Each active connection has one message in flight: latency per message.
            return seconds * 1e6 / (messages / (double) active);
        }

        double loopCpuMicrosPerMessage() {
            return loopCpuNanos / 1e3 / messages;
        }
    }

    /** Keeps one message in flight; counts round trips. */
    static final class Pinger implements Protocol {
        final MemorySegment message;
        Transport t;
        int got;
        volatile long trips;

        Pinger(MemorySegment message) {
            this.message = message;
        }

        @Override
        public void connectionMade(Transport transport) {
            t = transport;
            t.write(message);
        }

        @Override
        public void dataReceived(MemorySegment data) {
            got += (int) data.byteSize();
            while (got >= MESSAGE) {
                got -= MESSAGE;
                trips++;
                t.write(message);
            }
        }
    }

    private static final Object THREADS;
    private static final Method CPU_TIME;

    static {
        try {
            THREADS = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            CPU_TIME = Class.forName("java.lang.management.ThreadMXBean").getMethod("getThreadCpuTime", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static long cpuNanos(Thread t) {
        try {
            return (long) CPU_TIME.invoke(THREADS, t.threadId());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private LoadHarness() {}

    public static void main(String[] args) throws Exception {
        String backend = "epoll";
        int idle = 10_000;
        int active = 8;
        double seconds = 3;
        for (String a : args) {
            String[] kv = a.split("=", 2);
            switch (kv[0]) {
                case "backend" -> backend = kv[1];
                case "idle" -> idle = Integer.parseInt(kv[1]);
                case "active" -> active = Integer.parseInt(kv[1]);
                case "seconds" -> seconds = Double.parseDouble(kv[1]);
                default -> throw new IllegalArgumentException("unknown argument " + a
                        + "; use backend=epoll|poll|select idle=N active=N seconds=S");
            }
        }
        List<Phase> phases = run(backend, idle, active, Duration.ofMillis((long) (seconds * 1000)), true);
        System.out.printf("backend=%s active=%d message=%dB phase=%.1fs%n", backend, active, MESSAGE, seconds);
        System.out.printf("%8s %12s %16s %18s%n", "idle", "messages", "µs/msg (RTT)", "loop CPU µs/msg");
        for (Phase p : phases) {
            System.out.printf("%8d %12d %16.2f %18.2f%n", p.idle(), p.messages(), p.wallMicrosPerMessage(active),
                    p.loopCpuMicrosPerMessage());
        }
        Phase base = phases.get(0);
        Phase loaded = phases.get(1);
        System.out.printf("ratio idle=%d / idle=0: RTT %.2f, loop CPU %.2f%n", idle,
                loaded.wallMicrosPerMessage(active) / base.wallMicrosPerMessage(active),
                loaded.loopCpuMicrosPerMessage() / base.loopCpuMicrosPerMessage());
    }

    /**
     * Runs the two phases: active traffic with no idle connections, then with {@code idle} of them.
     *
     * @param childProcess hold the idle clients in a child JVM (needed above ~9,000)
     * @return the phase with 0 idle connections, then the one with {@code idle}
     */
    static List<Phase> run(String backend, int idle, int active, Duration phase, boolean childProcess) throws Exception {
        EventLoop server = Backends.loop(backend);
        EventLoop clients = EventLoop.open();
        Thread serverThread = new Thread(server::run, "load-server-" + backend);
        Thread clientThread = new Thread(clients::run, "load-clients");
        List<SocketChannel> localIdle = new ArrayList<>();
        Process child = null;
        Arena arena = Arena.ofShared(); // closed after the loops, which write from it until they stop
        try {
            MemorySegment message = arena.allocate(MESSAGE);
            message.fill((byte) 'm');
            CompletableFuture<Server> started = new CompletableFuture<>();
            server.execute(() -> {
                try {
                    started.complete(server.createServer(new InetSocketAddress("127.0.0.1", 0), SteadyStateAllocationTest.Echo::new,
                            ServerOptions.DEFAULTS.withBacklog(16384)));
                } catch (Exception e) {
                    started.completeExceptionally(e);
                }
            });
            serverThread.start();
            clientThread.start();
            Server srv = started.get(10, TimeUnit.SECONDS);
            InetSocketAddress addr = (InetSocketAddress) srv.localAddress();

            List<Pinger> pingers = new ArrayList<>();
            for (int i = 0; i < active; i++) {
                Pinger p = new Pinger(message);
                pingers.add(p);
                clients.connect(addr, p, Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS);
            }
            measure(pingers, serverThread, 0, Duration.ofMillis(500)); // warm-up
            List<Phase> phases = new ArrayList<>();
            phases.add(measure(pingers, serverThread, 0, phase));

            long before = acceptedOn(server, srv);
            if (childProcess) {
                child = startIdleClients(addr, idle);
            } else {
                for (int i = 0; i < idle; i++) {
                    localIdle.add(SocketChannel.open(addr));
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (acceptedOn(server, srv) - before < idle) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + (acceptedOn(server, srv) - before) + " of " + idle
                            + " idle connections were accepted in 120 s");
                }
                Thread.sleep(20);
            }
            measure(pingers, serverThread, idle, Duration.ofMillis(500)); // settle
            phases.add(measure(pingers, serverThread, idle, phase));
            return phases;
        } finally {
            if (child != null) {
                child.getOutputStream().close(); // the child exits at end of stdin
                child.waitFor(30, TimeUnit.SECONDS);
                io.jselectors.testsupport.ChildProcesses.closeStreams(child);
                child.destroyForcibly();
            }
            for (SocketChannel c : localIdle) {
                c.close();
            }
            clients.close();
            server.close();
            serverThread.join(10_000);
            clientThread.join(10_000);
            arena.close();
        }
    }

    private static long acceptedOn(EventLoop loop, Server srv) throws Exception {
        CompletableFuture<Long> f = new CompletableFuture<>();
        loop.execute(() -> f.complete(srv.acceptedCount()));
        return f.get(10, TimeUnit.SECONDS);
    }

    private static Phase measure(List<Pinger> pingers, Thread serverThread, int idle, Duration d) throws InterruptedException {
        long m0 = total(pingers);
        long c0 = cpuNanos(serverThread);
        long t0 = System.nanoTime();
        Thread.sleep(d.toMillis());
        long m1 = total(pingers);
        long c1 = cpuNanos(serverThread);
        long t1 = System.nanoTime();
        return new Phase(idle, m1 - m0, (t1 - t0) / 1e9, c1 - c0);
    }

    private static long total(List<Pinger> pingers) {
        long n = 0;
        for (Pinger p : pingers) {
            n += p.trips;
        }
        return n;
    }

    private static Process startIdleClients(InetSocketAddress addr, int n) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xmx128m", "-cp", cp, IdleClients.class.getName(),
                        addr.getHostString(), Integer.toString(addr.getPort()), Integer.toString(n))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        if (line == null || !line.startsWith("ready")) {
            p.destroyForcibly();
            throw new IllegalStateException("idle client process failed: " + line);
        }
        return p;
    }

    /** The child process: opens n connections, says "ready", holds them until stdin ends. */
    public static final class IdleClients {
        private IdleClients() {}

        public static void main(String[] args) throws Exception {
            InetSocketAddress addr = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
            int n = Integer.parseInt(args[2]);
            List<SocketChannel> held = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                held.add(SocketChannel.open(addr));
            }
            OutputStream out = System.out;
            out.write(("ready " + n + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (System.in.read() >= 0) {
                // hold the connections until the parent closes our stdin
            }
            for (SocketChannel c : held) {
                c.close();
            }
        }
    }
}
