package io.jselectors.loop;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jselectors.internal.os.SpawnSys;
import io.jselectors.testsupport.GuideExamples;
import org.junit.jupiter.api.Test;

/**
 * The examples of docs/loop.md that are files in examples/, each run in a child JVM: SignalLoop takes SIGINT,
 * which would end this test JVM without its handler.
 */
class LoopExamplesTest {
    @Test
    void signalLoop() throws Exception {
        GuideExamples.check("docs/loop.md", "SignalLoop",
                "SIGINT on the loop thread: true\\nstill here, removing it: true\\nSEGV refused: true");
    }

    @Test
    void shout() throws Exception {
        assumeTrue(SpawnSys.isAvailable(), "posix_spawn is tabled for Linux only; this is " + System.getProperty("os.name"));
        GuideExamples.check("docs/loop.md", "Shout", "stdout: HELLO, CHILD\\nstderr: done\\nexit status 3");
    }
}
