package io.jselectors.loop;


import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.DescriptorExhaustion;
import io.jselectors.ErrnoException;
import io.jselectors.net.StreamSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A server whose process is out of descriptors (EMFILE) pauses accepting instead of spinning, keeps
 * its listening socket, and serves the waiting connections once descriptors are free again. The soft
 * RLIMIT_NOFILE is lowered for the test and the free descriptors below it filled with pipes.
 */
class ServerExhaustionTest {
    @ParameterizedTest
    @MethodSource("io.jselectors.loop.EventLoopTest#backends")
    void emfilePausesAcceptingWithoutSpinningAndServesLater(String backend) throws Throwable {
        int fdsBefore = FdCount.now();
        try (EventLoop loop = Backends.loop(backend)) {
            List<Recorder> served = new ArrayList<>();
            Server server = loop.createServer(new InetSocketAddress("127.0.0.1", 0), () -> {
                Recorder r = new Recorder();
                served.add(r);
                return r;
            }, ServerOptions.DEFAULTS.withAcceptRetryDelay(Duration.ofMillis(50)));
            // One ordinary connection first, so every class on the path is loaded (loading needs fds).
            Recorder warm = new Recorder();
            Run.until(loop, loop.connect(server.localAddress(), warm, Duration.ofSeconds(5)));
            Run.until(loop, () -> served.size() == 1, Duration.ofSeconds(5));
            new ErrnoException("warm-up", 1, "x", "y").getMessage();
            // The log record's timestamp needs the time-zone database, read from a file on first use.
            java.time.ZonedDateTime.now();
            System.getLogger("io.jselectors.loop").log(System.Logger.Level.INFO,
                    "ServerExhaustionTest: logging warmed up before descriptors run out");
            // Three clients whose handshakes the kernel completes; the server has not accepted them yet.
            List<StreamSocket> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                StreamSocket c = StreamSocket.connect(server.localAddress());
                clients.add(c);
            }
            for (StreamSocket c : clients) {
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (!c.finishConnect()) {
                    assertThat(System.nanoTime()).isLessThan(deadline);
                    Thread.sleep(1);
                }
            }

            long iterations;
            long pauses;
            DescriptorExhaustion full = DescriptorExhaustion.start();
            try {
                long before = loop.iterations();
                Run.forAbout(loop, Duration.ofMillis(300));
                iterations = loop.iterations() - before;
                pauses = server.acceptPauses();
            } finally {
                full.close();
            }
            // A spinning loop makes thousands of rounds in 300 ms; pausing makes one or two per retry.
            assertThat(pauses).as("accept pauses").isBetween(2L, 10L);
            assertThat(iterations).as("loop rounds while out of descriptors").isLessThan(40);
            assertThat(served).hasSize(1);
            assertThat(server.isServing()).isTrue();
            // Descriptors are free again: the waiting connections are served.
            Run.until(loop, () -> served.size() == 4, Duration.ofSeconds(5));
            for (StreamSocket c : clients) {
                c.close();
            }
            Run.until(loop, () -> served.stream().skip(1).allMatch(r -> r.lost.isDone()), Duration.ofSeconds(5));
            server.close();
        }
        assertThat(FdCount.now()).isEqualTo(fdsBefore);
    }

    /**
     * The pause is logged, and logging under EMFILE may fail in any way, an {@link Error} included (here a
     * java.util.logging filter that throws one): accepting must stop all the same, not spin.
     */
    @ParameterizedTest
    @MethodSource("io.jselectors.loop.EventLoopTest#backends")
    void aLoggerThatThrowsAnErrorDoesNotKeepTheServerAccepting(String backend) throws Throwable {
        Object julLogger = Class.forName("java.util.logging.Logger").getMethod("getLogger", String.class)
                .invoke(null, "io.jselectors.loop");
        Class<?> filterType = Class.forName("java.util.logging.Filter");
        java.lang.reflect.Method setFilter = julLogger.getClass().getMethod("setFilter", filterType);
        Object throwing = java.lang.reflect.Proxy.newProxyInstance(filterType.getClassLoader(), new Class<?>[] {filterType},
                (proxy, method, args) -> switch (method.getName()) {
                    case "isLoggable" -> throw new Error("logging failed, on purpose");
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> "throwing filter";
                });
        int fdsBefore = FdCount.now();
        List<String> reported = java.util.Collections.synchronizedList(new ArrayList<>());
        try (EventLoop loop = Backends.loop(backend)) {
            loop.setExceptionHandler((context, error) -> reported.add(context + ": " + error));
            Server server = loop.createServer(new InetSocketAddress("127.0.0.1", 0), Recorder::new,
                    ServerOptions.DEFAULTS.withAcceptRetryDelay(Duration.ofMillis(50)));
            Recorder warm = new Recorder();
            Run.until(loop, loop.connect(server.localAddress(), warm, Duration.ofSeconds(5)));
            new ErrnoException("warm-up", 1, "x", "y").getMessage();
            StreamSocket c = StreamSocket.connect(server.localAddress());
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!c.finishConnect()) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.sleep(1);
            }
            long pauses;
            setFilter.invoke(julLogger, throwing);
            try {
                DescriptorExhaustion full = DescriptorExhaustion.start();
                try {
                    Run.forAbout(loop, Duration.ofMillis(300));
                    pauses = server.acceptPauses();
                } finally {
                    full.close();
                }
            } finally {
                setFilter.invoke(julLogger, (Object) null);
            }
            assertThat(pauses).as("accept pauses (a spinning server pauses thousands of times)").isBetween(1L, 10L);
            c.close();
            warm.transport.abort();
            server.close();
            Run.forAbout(loop, Duration.ofMillis(20));
        }
        assertThat(FdCount.now()).isEqualTo(fdsBefore);
    }
}
