package io.jselectors.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.ErrnoException;
import io.jselectors.internal.os.Errno;
import io.jselectors.internal.os.Fcntl;
import io.jselectors.internal.os.Unistd;
import io.jselectors.net.Pipe;
import io.jselectors.net.StreamSocket;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
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
    private static final int RLIMIT_NOFILE = 7;
    private static final MethodHandle GETRLIMIT = link("getrlimit");
    private static final MethodHandle SETRLIMIT = link("setrlimit");

    @SuppressWarnings("restricted") // getrlimit/setrlimit: the test's own two C calls
    private static MethodHandle link(String name) {
        Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().find(name).orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    }

    @ParameterizedTest
    @MethodSource("io.jselectors.loop.EventLoopTest#backends")
    void emfilePausesAcceptingWithoutSpinningAndServesLater(String backend) throws Throwable {
        int fdsBefore = FdCount.now();
        try (EventLoop loop = Backends.loop(backend); Arena arena = Arena.ofConfined()) {
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
            // Every class used while no descriptor is free must be loaded now (loading opens class files).
            preloadLibraryClasses();
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

            MemorySegment rlim = arena.allocate(16);
            assertThat((int) GETRLIMIT.invokeExact(RLIMIT_NOFILE, rlim)).isZero();
            long soft = rlim.get(ValueLayout.JAVA_LONG, 0);
            List<Pipe> fillers = new ArrayList<>();
            List<Integer> dups = new ArrayList<>();
            long iterations;
            long pauses;
            try {
                rlim.set(ValueLayout.JAVA_LONG, 0, maxOpenFd() + 16);
                assertThat((int) SETRLIMIT.invokeExact(RLIMIT_NOFILE, rlim)).isZero();
                try {
                    while (fillers.size() < 1000) {
                        fillers.add(Pipe.open());
                    }
                } catch (ErrnoException e) {
                    assertThat(e.errno()).isEqualTo(Errno.EMFILE);
                }
                try {
                    while (dups.size() < 10) {
                        dups.add(Fcntl.fcntl(0, Fcntl.F_DUPFD_CLOEXEC, 0)); // a last single free slot
                    }
                } catch (ErrnoException e) {
                    assertThat(e.errno()).isEqualTo(Errno.EMFILE);
                }
                long before = loop.iterations();
                Run.forAbout(loop, Duration.ofMillis(300));
                iterations = loop.iterations() - before;
                pauses = server.acceptPauses();
            } finally {
                for (Pipe p : fillers) {
                    p.close();
                }
                for (int fd : dups) {
                    Unistd.close(fd);
                }
                rlim.set(ValueLayout.JAVA_LONG, 0, soft);
                assertThat((int) SETRLIMIT.invokeExact(RLIMIT_NOFILE, rlim)).isZero();
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

    /** Loads every class of the library (main classes), so that none is loaded while fds are exhausted. */
    private static void preloadLibraryClasses() throws Exception {
        Path root = Path.of(Server.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!Files.isDirectory(root)) {
            return; // a jar stays open once read: its classes load without new descriptors
        }
        List<String> names;
        try (var files = Files.walk(root)) {
            names = files.map(root::relativize).map(Path::toString).filter(n -> n.endsWith(".class"))
                    .filter(n -> !n.equals("module-info.class"))
                    .map(n -> n.substring(0, n.length() - 6).replace('/', '.')).toList();
        }
        for (String n : names) {
            Class.forName(n, true, Server.class.getClassLoader());
        }
    }

    private static long maxOpenFd() throws Exception {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.mapToLong(p -> Long.parseLong(p.getFileName().toString())).max().orElse(0);
        }
    }
}
