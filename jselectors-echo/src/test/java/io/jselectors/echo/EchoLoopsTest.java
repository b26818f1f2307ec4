package io.jselectors.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Several loops behind one listening socket: a used port is refused, and the connections spread. */
class EchoLoopsTest {
    private static final Duration EXIT = Duration.ofSeconds(60);

    /** A second server on the port of a running one exits 2 with the one-line message, whatever --loops says. */
    @Test
    void secondServerOnAPortInUseIsRefusedWithAndWithoutLoops() throws Exception {
        try (ServerProcess first = ServerProcess.start("--port", "0", "--loops", "2")) {
            String port = Integer.toString(first.port());
            for (List<String> args : List.of(List.of("--port", port), List.of("--port", port, "--loops", "1"),
                    List.of("--port", port, "--loops", "3"))) {
                try (ServerProcess second = ServerProcess.launch(List.of(), List.of(), args.toArray(String[]::new))) {
                    int status = second.awaitExit(EXIT);
                    assertThat(status).as(args + ": " + second.describe()).isEqualTo(EchoMain.EXIT_USAGE);
                    assertThat(second.stderr()).as(second.describe()).hasSize(1);
                    assertThat(second.stderr().get(0)).contains("port is in use");
                }
            }
            Clients.roundTrip(first.port(), new byte[] {1, 2, 3}); // the first one still serves
        }
    }

    /** Two --reuse-port servers may share a port: the flag is the explicit way to ask for that. */
    @Test
    void reusePortIsTheExplicitWayToShareAPort() throws Exception {
        try (ServerProcess first = ServerProcess.start("--port", "0", "--loops", "2", "--reuse-port");
             ServerProcess second = ServerProcess.start("--port", Integer.toString(first.port()), "--loops", "1",
                     "--reuse-port")) {
            assertThat(second.port()).isEqualTo(first.port());
            Clients.roundTrip(first.port(), new byte[] {4, 5, 6});
        }
    }

    /** 1,000 connections on 2 loops: the stats' loops line shows each loop with a fair share. */
    @Test
    void thousandConnectionsSpreadOverTwoLoops() throws Exception {
        Pattern loops = Pattern.compile("^loops: #0 connections=(\\d+) bytes/s=\\S+ served=\\d+, #1 connections=(\\d+) bytes/s=\\S+ served=\\d+$");
        List<Socket> clients = new ArrayList<>();
        try (ServerProcess s = ServerProcess.start("--port", "0", "--loops", "2", "--stats", "0.5")) {
            try {
                byte[] msg = {7};
                for (int i = 0; i < 1000; i++) {
                    Socket c = Clients.connect(s.port(), 20_000);
                    clients.add(c);
                    Clients.roundTrip(c, msg);
                }
                int a = -1;
                int b = -1;
                for (int i = 0; i < 40 && a + b != 1000; i++) {
                    Matcher m = s.awaitLine(loops, Duration.ofSeconds(10));
                    a = Integer.parseInt(m.group(1));
                    b = Integer.parseInt(m.group(2));
                }
                System.out.printf("1000 connections over 2 loops: %d and %d%n", a, b);
                assertThat(a + b).as("connections on both loops").isEqualTo(1000);
                assertThat(a).as("loop #0's share").isBetween(300, 700);
                assertThat(b).as("loop #1's share").isBetween(300, 700);
            } finally {
                for (Socket c : clients) {
                    c.close();
                }
            }
        }
    }
}
