package io.jselectors.fd;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each example of docs/fds.md is the file in examples/, word for word, and prints what the guide says. */
class FdExamplesTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            Counter   | ready: 1\\ntook: 5\\ntook again: 0 (nothing left)\\nsemaphore: 1, 1, then 0
            Ticker    | one-shot fired; remaining now PT0S\\nwall-clock timer fired\\nticker period PT0.02S, at least 5 ticks: true\\ndisarmed; remaining PT0S
            WatchDir  | CREATE hello.txt\\nCLOSE_WRITE hello.txt\\nDELETE hello.txt
            Signals   | ready: 1\\ngot SIGUSR1 from this process: true\\nthen: null
            ChildExit | ready: 1\\nexited: true, status 7
            Terminal  | slave is a terminal: true\\ndevice got: AT<CR>\\nmodem got: OK<CR><LF>
            """)
    void exampleIsInTheGuideAndPrintsWhatItSays(String name, String expected) throws Exception {
        Path file = ROOT.resolve("examples/" + name + ".java");
        String guide = Files.readString(ROOT.resolve("docs/fds.md"));
        String marker = "<!-- examples/" + name + ".java -->\n```java\n";
        int at = guide.indexOf(marker);
        assertThat(at).as("docs/fds.md shows examples/" + name + ".java").isNotNegative();
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
