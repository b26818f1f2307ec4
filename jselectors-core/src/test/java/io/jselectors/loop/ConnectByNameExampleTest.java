package io.jselectors.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** examples/ConnectByName.java is in docs/loop.md word for word, and prints what the guide says. */
class ConnectByNameExampleTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    @Test
    void exampleIsInTheGuideAndPrintsWhatItSays() throws Exception {
        Path file = ROOT.resolve("examples/ConnectByName.java");
        String guide = Files.readString(ROOT.resolve("docs/loop.md"));
        String marker = "<!-- examples/ConnectByName.java -->\n```java\n";
        int at = guide.indexOf(marker);
        assertThat(at).as("docs/loop.md shows examples/ConnectByName.java").isNotNegative();
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
        int printed = guide.indexOf("It prints:\n```\n", start);
        assertThat(printed).as("docs/loop.md shows what the example prints").isNotNegative();
        int from = printed + "It prints:\n```\n".length();
        assertThat(text).isEqualTo(guide.substring(from, guide.indexOf("```", from)));
    }
}
