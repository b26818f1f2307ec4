package io.jselectors.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The UDP example of docs/loop.md runs as the guide says, and the guide shows it word for word. */
class UdpExampleTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final String EXAMPLE = "examples/UdpEcho.java";

    @Test
    void theUdpEchoExampleEchoesAndReportsTheCutDatagram() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path classes = Path.of(EventLoop.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", classes.toString(),
                ROOT.resolve(EXAMPLE).toString()).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream(); OutputStream unused = p.getOutputStream()) {
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(EXAMPLE + " finished").isTrue();
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(p.exitValue()).as(out).isZero();
        // The server's line may come before or between the client's (one loop round or two).
        assertThat(out.lines().toList()).containsExactlyInAnyOrderElementsOf(List.of(
                "server: a datagram longer than 16 bytes, cut to 16",
                "client got: hello",
                "client got: udp",
                "client got: a datagram longe"));
        assertThat(out.lines().filter(l -> l.startsWith("client")).toList()).containsExactly(
                "client got: hello", "client got: udp", "client got: a datagram longe");
    }

    @Test
    void theGuideShowsTheExampleVerbatim() throws Exception {
        String guide = Files.readString(ROOT.resolve("docs/loop.md"));
        String marker = "<!-- " + EXAMPLE + " -->";
        int at = guide.indexOf(marker);
        assertThat(at).as("docs/loop.md marker " + marker).isNotNegative();
        int start = guide.indexOf("```java\n", at) + "```java\n".length();
        int end = guide.indexOf("```", start);
        assertThat(guide.substring(start, end)).isEqualTo(Files.readString(ROOT.resolve(EXAMPLE)));
    }
}
