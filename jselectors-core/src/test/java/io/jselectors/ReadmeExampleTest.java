package io.jselectors;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.testsupport.Examples;
import org.junit.jupiter.api.Test;

/** The README's example is examples/Ping.java, word for word, and it runs as the README says. */
class ReadmeExampleTest {
    @Test
    void readmeShowsTheExampleFileVerbatim() throws Exception {
        Examples.assertShownVerbatim("README.md", "examples/Ping.java");
    }

    @Test
    void exampleRunsAndPrintsThreeRounds() throws Exception {
        assertThat(Examples.run("examples/Ping.java")).isEqualTo(String.join("\n",
                "backend: epoll",
                "right got: ping 1", "left got: pong 1",
                "right got: ping 2", "left got: pong 2",
                "right got: ping 3", "left got: pong 3", ""));
    }
}
