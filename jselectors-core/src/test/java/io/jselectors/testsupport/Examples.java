package io.jselectors.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.Selector;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The files of examples/: run one in a child JVM, and find the copy a guide in docs/ shows. */
public final class Examples {
    /** The project's root (tests run in a module's directory). */
    public static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    private Examples() {}

    /**
     * Runs {@code examples/NAME.java} against jselectors-core's classes.
     *
     * @return what it printed (stdout and stderr); the test fails unless it exits 0 within 60 s
     */
    public static String run(String name) throws Exception {
        Path file = ROOT.resolve("examples/" + name + ".java");
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path classes = Path.of(Selector.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", classes.toString(), file.toString())
                .redirectErrorStream(true)
                .start();
        // Closed here, not by the GC later: other tests count this process's descriptors.
        try (InputStream in = p.getInputStream(); OutputStream unused = p.getOutputStream()) {
            byte[] out = in.readAllBytes();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(name + " finished").isTrue();
            String text = new String(out, StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(text).isZero();
            return text;
        }
    }

    /**
     * Checks that {@code docs/GUIDE} shows {@code examples/NAME.java} word for word, after the marker
     * {@code <!-- examples/NAME.java -->} and a java fence.
     *
     * @return the index in the guide just after the example's code block
     */
    public static int assertShownIn(String guide, String name) throws Exception {
        String text = Files.readString(ROOT.resolve("docs/" + guide));
        String marker = "<!-- examples/" + name + ".java -->\n```java\n";
        int at = text.indexOf(marker);
        assertThat(at).as("docs/" + guide + " shows examples/" + name + ".java").isNotNegative();
        int start = at + marker.length();
        int end = text.indexOf("```", start);
        assertThat(text.substring(start, end)).isEqualTo(Files.readString(ROOT.resolve("examples/" + name + ".java")));
        return end + 3;
    }
}
