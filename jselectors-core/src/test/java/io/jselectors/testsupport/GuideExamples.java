package io.jselectors.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.Selector;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The examples in {@code examples/}: shown word for word in a guide, and run as {@code bin/example} runs them. */
public final class GuideExamples {
    /** The repository's root (the tests run in a module's folder). */
    public static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    private GuideExamples() {}

    /**
     * Asserts that a guide shows {@code examples/<name>.java} word for word, after the marker
     * {@code <!-- examples/<name>.java -->} and a {@code ```java} line.
     *
     * @param guide the guide, e.g. "docs/loop.md"
     * @param name  the example's class name
     * @throws Exception if a file cannot be read
     */
    public static void assertShownVerbatim(String guide, String name) throws Exception {
        String text = Files.readString(ROOT.resolve(guide));
        String marker = "<!-- examples/" + name + ".java -->\n```java\n";
        int at = text.indexOf(marker);
        assertThat(at).as(guide + " shows examples/" + name + ".java").isNotNegative();
        int start = at + marker.length();
        assertThat(text.substring(start, text.indexOf("```", start)))
                .isEqualTo(Files.readString(ROOT.resolve("examples/" + name + ".java")));
    }

    /**
     * Runs {@code examples/<name>.java} in a JVM of its own on the core's classes, and asserts that it
     * ends within 60 s with status 0.
     *
     * @param name the example's class name
     * @return what it printed (standard output and error)
     * @throws Exception if it cannot be started
     */
    public static String run(String name) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path classes = Path.of(Selector.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", classes.toString(),
                ROOT.resolve("examples/" + name + ".java").toString())
                .redirectErrorStream(true)
                .start();
        // Closed here, not by the GC later: other tests count this process's descriptors.
        try (InputStream in = p.getInputStream(); OutputStream unused = p.getOutputStream()) {
            byte[] out = in.readAllBytes();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(name + " finished").isTrue();
            io.jselectors.testsupport.ChildProcesses.closeStreams(p);
            String text = new String(out, StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(text).isZero();
            return text;
        }
    }
}
