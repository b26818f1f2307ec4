package io.jselectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jselectors.net.PseudoTerminal;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The examples of docs/readiness.md run as the guide says, and the guide shows them word for word. */
class ReadinessExamplesTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    private static String run(String example, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path classes = Path.of(Selector.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        var cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                classes.toString(), ROOT.resolve(example).toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        // Closed here, not by the GC later: other tests count this process's descriptors.
        try (InputStream in = p.getInputStream(); OutputStream unused = p.getOutputStream()) {
            assertThat(p.waitFor(180, TimeUnit.SECONDS)).as(example + " finished").isTrue();
            String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(out).isZero();
            return out;
        }
    }

    @Test
    void tenThousandVirtualThreadsWaitOnTheirOwnFdsWithAFewOsThreads() throws Exception {
        String out = run("examples/ManyWaiters.java");
        Matcher m = Pattern.compile("10000 virtual threads waiting, OS threads: (\\d+) before, (\\d+) now").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        int added = Integer.parseInt(m.group(2)) - Integer.parseInt(m.group(1));
        // The carriers (one per core), the readiness waiter and the JDK's timer/unparker: a handful, not 10,000.
        assertThat(added).as(out).isLessThanOrEqualTo(Runtime.getRuntime().availableProcessors() + 6);
        assertThat(out).contains("all 10000 woke");
    }

    @Test
    void pseudoTerminalsReadFromVirtualThreads() throws Exception {
        assumeTrue(PseudoTerminal.isAvailable(), "no posix_openpt/ptsname_r on this platform");
        assertThat(run("examples/PtyReader.java")).isEqualTo(String.join("\n",
                "pty 0 read: hello from terminal 0",
                "pty 1 read: hello from terminal 1",
                "pty 2 read: hello from terminal 2", ""));
    }

    @Test
    void theGuideShowsTheExamplesVerbatim() throws Exception {
        String guide = Files.readString(ROOT.resolve("docs/readiness.md"));
        for (String example : new String[] {"examples/ManyWaiters.java", "examples/PtyReader.java"}) {
            String marker = "<!-- " + example + " -->";
            int at = guide.indexOf(marker);
            assertThat(at).as("docs/readiness.md marker " + marker).isNotNegative();
            int start = guide.indexOf("```java\n", at) + "```java\n".length();
            int end = guide.indexOf("```", start);
            assertThat(guide.substring(start, end)).isEqualTo(Files.readString(ROOT.resolve(example)));
        }
    }
}
