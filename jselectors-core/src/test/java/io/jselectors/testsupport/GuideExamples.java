package io.jselectors.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A guide's example: the file in examples/, shown word for word in the guide, run in a child JVM. */
public final class GuideExamples {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    private GuideExamples() {}

    /**
     * Checks that {@code guide} shows examples/{@code name}.java word for word and that it prints {@code expected}.
     *
     * @param guide    the guide, e.g. {@code docs/fds.md}
     * @param name     the example's class name
     * @param expected its whole output, {@code \n} written as the two characters
     * @throws Exception when the example cannot be read or run
     */
    public static void check(String guide, String name, String expected) throws Exception {
        Path file = ROOT.resolve("examples/" + name + ".java");
        String text = Files.readString(ROOT.resolve(guide));
        String marker = "<!-- examples/" + name + ".java -->\n```java\n";
        int at = text.indexOf(marker);
        assertThat(at).as(guide + " shows examples/" + name + ".java").isNotNegative();
        int start = at + marker.length();
        assertThat(text.substring(start, text.indexOf("```", start))).isEqualTo(Files.readString(file));

        String java = ProcessHandle.current().info().command().orElseThrow();
        Path classes = Path.of(Selector.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", classes.toString(), file.toString())
                .redirectErrorStream(true)
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("example finished").isTrue();
        String printed = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(printed).isZero();
        assertThat(printed).isEqualTo(expected.replace("\\n", "\n") + "\n");
    }
}
