package io.jselectors.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jselectors.internal.os.SpawnSys;
import io.jselectors.testsupport.GuideExamples;
import org.junit.jupiter.api.Test;

/**
 * The signal and subprocess examples of docs/loop.md, each run in a child JVM: SignalLoop takes SIGINT, which
 * would end this test JVM without its handler.
 */
class SignalProcessExamplesTest {
    @Test
    void signalLoop() throws Exception {
        GuideExamples.assertShownVerbatim("docs/loop.md", "SignalLoop");
        assertThat(GuideExamples.run("SignalLoop"))
                .isEqualTo("SIGINT on the loop thread: true\nstill here, removing it: true\nSEGV refused: true\n");
    }

    @Test
    void shout() throws Exception {
        GuideExamples.assertShownVerbatim("docs/loop.md", "Shout");
        assumeTrue(SpawnSys.isAvailable(), "posix_spawn is tabled for Linux only; this is " + System.getProperty("os.name"));
        assertThat(GuideExamples.run("Shout")).isEqualTo("stdout: HELLO, CHILD\nstderr: done\nexit status 3\n");
    }
}
