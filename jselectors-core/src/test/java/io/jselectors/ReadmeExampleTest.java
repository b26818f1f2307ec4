package io.jselectors;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The README's example is examples/Ping.java, word for word, and it runs as the README says. */
class ReadmeExampleTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final String MARKER = "<!-- examples/Ping.java -->";

    @Test
    void readmeShowsTheExampleFileVerbatim() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int at = readme.indexOf(MARKER);
        assertThat(at).as("README marker " + MARKER).isNotNegative();
        int start = readme.indexOf("```java\n", at) + "```java\n".length();
        int end = readme.indexOf("```", start);
        assertThat(readme.substring(start, end)).isEqualTo(Files.readString(ROOT.resolve("examples/Ping.java")));
    }

    @Test
    void exampleRunsAndPrintsThreeRounds() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path classes = Path.of(Selector.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", classes.toString(),
                        ROOT.resolve("examples/Ping.java").toString())
                .redirectErrorStream(true)
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("example finished").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        io.jselectors.testsupport.ChildProcesses.closeStreams(p);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).isEqualTo(String.join("\n",
                "backend: epoll",
                "right got: ping 1", "left got: pong 1",
                "right got: ping 2", "left got: pong 2",
                "right got: ping 3", "left got: pong 3", ""));
    }
}
