package io.jselectors.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Runs the example of docs/loop.md (kept in step with it by hand). */
class LoopGuideTest {
    /** Sends back what it receives. */
    static class Echo implements Protocol {
        private Transport transport;

        @Override public void connectionMade(Transport t) { transport = t; }
        @Override public void dataReceived(MemorySegment data) { transport.write(data); }
    }

    /** Sends one line, prints the reply, closes. */
    static class Hello implements Protocol {
        private Transport transport;

        @Override public void connectionMade(Transport t) {
            transport = t;
            t.write("hello\n".getBytes(StandardCharsets.UTF_8));
        }
        @Override public void dataReceived(MemorySegment data) {
            System.out.print("echo: " + new String(data.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8));
            transport.close();
        }
        @Override public void connectionLost(Throwable cause) {
            transport.loop().stop();
        }
    }

    @Test
    void theGuideExampleEchoes() throws Exception {
        int fds = FdCount.now();
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            try (EventLoop loop = EventLoop.open()) {
                Server server = loop.createServer(new InetSocketAddress("127.0.0.1", 0), Echo::new);
                loop.connect(server.localAddress(), new Hello(), Duration.ofSeconds(5));
                loop.run();   // until Hello stops it; prints "echo: hello"
            }                 // close() ends the server and every connection
        } finally {
            System.setOut(out);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).isEqualTo("echo: hello\n");
        assertThat(FdCount.now()).isEqualTo(fds);
    }
}
