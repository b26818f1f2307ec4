package io.jselectors.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.bench.waiters.WaitersCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code waiters} parks and wakes its virtual threads for both kinds and prints the figures. */
class WaitersCommandTest {
    @Test
    void bothKindsParkAndWakeEveryThread() throws Exception {
        for (String kind : new String[] {"readiness", "jdk"}) {
            PrintStream saved = System.out;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code;
            try {
                System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
                code = new CommandLine(new WaitersCommand()).execute("--kind", kind, "--threads", "200");
            } finally {
                System.setOut(saved);
            }
            String text = out.toString(StandardCharsets.UTF_8);
            assertThat(code).as(text).isZero();
            assertThat(text).contains("kind=" + kind + " threads=200 ").containsPattern("os-threads-waiting=\\d+");
        }
        assertThat(new CommandLine(new WaitersCommand()).execute("--kind", "nope")).isEqualTo(2);
    }
}
