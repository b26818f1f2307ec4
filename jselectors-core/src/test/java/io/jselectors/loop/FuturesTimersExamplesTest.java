package io.jselectors.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The futures and repeating-timer examples of docs/loop.md are the files in examples/, word for word,
 * and print what the guide says, each in a JVM of its own as {@code bin/example} runs it.
 */
class FuturesTimersExamplesTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            Futures   | reply: HELLO, FUTURES\\nconnection closed cleanly\\nserver closed\\nconnect failed: ECONNREFUSED
            Heartbeat | beat 1, not early\\nbeat 2, not early\\nbeat 3, not early\\nbeats: 3\\npending timers: 0\\npoller cancelled from another thread: true\\npolled: true, after at least 100 ms: true
            """)
    void exampleIsInTheGuideAndPrintsWhatItSays(String name, String expected) throws Exception {
        Path file = ROOT.resolve("examples/" + name + ".java");
        String guide = Files.readString(ROOT.resolve("docs/loop.md"));
        String marker = "<!-- examples/" + name + ".java -->\n```java\n";
        int at = guide.indexOf(marker);
        assertThat(at).as("docs/loop.md shows examples/" + name + ".java").isNotNegative();
        int start = at + marker.length();
        assertThat(guide.substring(start, guide.indexOf("```", start))).isEqualTo(Files.readString(file));

        String java = ProcessHandle.current().info().command().orElseThrow();
        Path classes = Path.of(Selector.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", classes.toString(), file.toString())
                .redirectErrorStream(true)
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("example finished").isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(text).isZero();
        assertThat(text).isEqualTo(expected.replace("\\n", "\n") + "\n");
    }
}
