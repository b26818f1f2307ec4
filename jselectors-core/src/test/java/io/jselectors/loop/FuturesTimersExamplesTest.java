package io.jselectors.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.testsupport.GuideExamples;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The futures and repeating-timer examples of docs/loop.md are the files in examples/, word for word,
 * and print what the guide says, each in a JVM of its own as {@code bin/example} runs it.
 */
class FuturesTimersExamplesTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            Futures   | reply: HELLO, FUTURES\\nconnection closed cleanly\\nserver closed\\nconnect failed: ECONNREFUSED
            Heartbeat | beat 1, not early\\nbeat 2, not early\\nbeat 3, not early\\nbeats: 3\\npending timers: 0\\npoller cancelled from another thread: true\\npolled: true, after at least 100 ms: true
            """)
    void exampleIsInTheGuideAndPrintsWhatItSays(String name, String expected) throws Exception {
        GuideExamples.assertShownVerbatim("docs/loop.md", name);
        assertThat(GuideExamples.run(name)).isEqualTo(expected.replace("\\n", "\n") + "\n");
    }
}
