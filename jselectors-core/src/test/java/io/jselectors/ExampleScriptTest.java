package io.jselectors;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code bin/example} with a file that is not there says so, instead of "Could not find or load main class". */
class ExampleScriptTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    @Test
    void aMissingFileIsReportedAsMissing() throws Exception {
        Process p = new ProcessBuilder("bash", ROOT.resolve("bin/example").toString(), "examples/Nope.java")
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        io.jselectors.testsupport.ChildProcesses.closeStreams(p);
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(text).isEqualTo(2);
        assertThat(text).contains("examples/Nope.java: no such file").contains("examples/Ping.java")
                .doesNotContain("Could not find or load main class");
    }
}
