package io.jselectors.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.Selector;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The programs of {@code examples/}: run as a user runs them, and shown word for word by the guides. */
public final class Examples {
    /** The repository's root (tests run in the module's directory). */
    public static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    private Examples() {}

    /**
     * Runs an example as {@code bin/example} does (a single-file program on the core's classes, in a
     * child JVM) and returns what it printed; fails the test unless it exits with 0 within 180 s.
     *
     * @param example the path from the root, e.g. {@code examples/Chat.java}
     * @param args    its arguments
     * @return its standard output and error, merged
     * @throws Exception if the process cannot start or the wait is interrupted
     */
    public static String run(String example, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path classes = Path.of(Selector.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        var cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                classes.toString(), ROOT.resolve(example).toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        // Closed here, not by the GC later: other tests count this process's descriptors.
        try (InputStream in = p.getInputStream(); OutputStream unused = p.getOutputStream()) {
            String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(180, TimeUnit.SECONDS)).as(example + " finished").isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            return out;
        }
    }

    /**
     * Checks that a guide shows an example word for word: after the line {@code <!-- examples/X.java -->},
     * in the first {@code ```java} block.
     *
     * @param guide   the guide's path from the root, e.g. {@code docs/loop.md}
     * @param example the example's path from the root
     * @throws Exception if a file cannot be read
     */
    public static void assertShownVerbatim(String guide, String example) throws Exception {
        String text = Files.readString(ROOT.resolve(guide));
        String marker = "<!-- " + example + " -->";
        int at = text.indexOf(marker);
        assertThat(at).as(guide + " has the marker " + marker).isNotNegative();
        int start = text.indexOf("```java\n", at) + "```java\n".length();
        int end = text.indexOf("```", start);
        assertThat(text.substring(start, end)).as(guide + " shows " + example).isEqualTo(Files.readString(ROOT.resolve(example)));
    }
}
