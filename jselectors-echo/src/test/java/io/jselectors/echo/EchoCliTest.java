package io.jselectors.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The command line: --help, the default address, and the one-line errors a user can cause. */
class EchoCliTest {
    private static final Duration EXIT = Duration.ofSeconds(60);

    /** Runs the server with args, expecting it to exit by itself; returns it for its output. */
    private static ServerProcess runToExit(int expectedStatus, String... args) throws Exception {
        ServerProcess s = ServerProcess.launch(List.of(), List.of(), args);
        try {
            int status = s.awaitExit(EXIT);
            assertThat(status).as(s.describe()).isEqualTo(expectedStatus);
            return s;
        } finally {
            s.close();
        }
    }

    /** The user's error: exactly one line on stderr, containing what, and no stack trace. */
    private static void assertOneLineError(ServerProcess s, String what) {
        assertThat(s.stderr()).as(s.describe()).hasSize(1);
        String line = s.stderr().get(0);
        assertThat(line).startsWith("jselectors-echo: ").contains(what);
        assertThat(line).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(s.stdout()).noneMatch(l -> l.startsWith("listening on"));
    }

    @Test
    void helpListsEveryFlagAndExitsZero() throws Exception {
        ServerProcess s = runToExit(0, "--help");
        String out = String.join("\n", s.stdout());
        for (String flag : new String[] {"--host", "--port", "--loops", "--backend", "--max-connections",
                "--idle-timeout", "--max-buffer", "--stats", "--grace", "--help"}) {
            assertThat(out).contains(flag);
        }
        assertThat(s.stderr()).isEmpty();
    }

    @Test
    void unknownBackendIsOneLineAndExitTwo() throws Exception {
        ServerProcess s = runToExit(EchoMain.EXIT_USAGE, "--port", "0", "--backend", "carrier-pigeon");
        assertOneLineError(s, "unknown backend 'carrier-pigeon'");
        assertThat(s.stderr().get(0)).contains("epoll").contains("poll").contains("select");
    }

    /** Without kqueue, --backend kqueue says how to give one (on Linux: libkqueue) in one line. */
    @Test
    void kqueueWhereThereIsNoneNamesThePropertyToSet() throws Exception {
        if (io.jselectors.KqueueSelector.isAvailable()) {
            System.out.println("SKIPPED kqueueWhereThereIsNoneNamesThePropertyToSet: kqueue is available here");
            Assumptions.abort("kqueue is available here");
        }
        ServerProcess s = runToExit(EchoMain.EXIT_USAGE, "--port", "0", "--backend", "kqueue");
        assertOneLineError(s, "backend 'kqueue' is not available");
        assertThat(s.stderr().get(0)).contains("-Djselectors.kqueue.library=").contains("JSELECTORS_KQUEUE_LIBRARY");
    }

    /** With kqueue (on Linux: -Djselectors.kqueue.library naming libkqueue), --backend kqueue serves. */
    @Test
    void kqueueBackendServesWhereThereIsOne() throws Exception {
        if (!io.jselectors.KqueueSelector.isAvailable()) {
            System.out.println("SKIPPED kqueueBackendServesWhereThereIsOne: no kqueue here (to test it through"
                    + " libkqueue: bin/test -Djselectors.kqueue.library=/path/to/libkqueue.so)");
            Assumptions.abort("no kqueue here");
        }
        try (ServerProcess s = ServerProcess.start("--port", "0", "--backend", "kqueue", "--loops", "2")) {
            assertThat(s.backend()).isEqualTo("kqueue");
            Clients.roundTrip(s.port(), "hello, kqueue\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            s.signal("TERM");
            assertThat(s.awaitExit(EXIT)).as(s.describe()).isZero();
        }
    }

    @Test
    void unresolvableHostIsOneLineAndExitTwo() throws Exception {
        ServerProcess s = runToExit(EchoMain.EXIT_USAGE, "--port", "0", "--host", "no.such.host.invalid");
        assertOneLineError(s, "bad --host 'no.such.host.invalid'");
    }

    @Test
    void addressNotOnThisMachineIsOneLineAndExitTwo() throws Exception {
        // 192.0.2.1 is TEST-NET-1 (RFC 5737): never a local address; bind fails without any traffic.
        ServerProcess s = runToExit(EchoMain.EXIT_USAGE, "--port", "0", "--host", "192.0.2.1");
        assertOneLineError(s, "not on this machine");
    }

    @Test
    void portInUseIsOneLineAndExitTwo() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            ServerProcess s = runToExit(EchoMain.EXIT_USAGE, "--port", Integer.toString(taken.getLocalPort()));
            assertOneLineError(s, "port is in use");
            assertThat(s.stderr().get(0)).contains("127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void badFlagValueIsOneLineAndExitTwo() throws Exception {
        ServerProcess s = runToExit(EchoMain.EXIT_USAGE, "--max-buffer", "lots");
        assertOneLineError(s, "--max-buffer");
    }

    @Test
    void noArgumentsListensOn7007WithTheDefaultBackendAndOneLoopPerCore() throws Exception {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress("127.0.0.1", 7007));
        } catch (IOException e) {
            System.out.println("SKIPPED noArgumentsListensOn7007...: port 7007 is in use on this machine (" + e + ")");
            Assumptions.abort("port 7007 is in use here");
        }
        try (ServerProcess s = ServerProcess.start()) {
            int cores = Runtime.getRuntime().availableProcessors();
            String backend;
            try (io.jselectors.Selector sel = io.jselectors.Selector.open()) {
                backend = sel.backend();
            }
            assertThat(s.stdout().get(0)).isEqualTo("listening on 127.0.0.1:7007 (" + backend + ", " + cores
                    + " loops)");
            Clients.roundTrip(7007, "hello, echo\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            s.signal("TERM");
            assertThat(s.awaitExit(EXIT)).as(s.describe()).isZero();
        }
    }
}
