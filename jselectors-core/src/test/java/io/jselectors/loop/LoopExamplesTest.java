package io.jselectors.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.testsupport.GuideExamples;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The chat example of docs/loop.md (issue 13's closing scenario): shown word for word, and it prints what it says. */
class LoopExamplesTest {
    @Test
    void theChatServerRelaysLinesBetweenTwoClients() throws Exception {
        GuideExamples.assertShownVerbatim("docs/loop.md", "Chat");
        assertThat(GuideExamples.run("Chat")).isEqualTo("""
                alice got: welcome, alice (1 here)
                bob got: welcome, bob (2 here)
                alice got: bob joined
                bob got: alice: hi bob
                alice got: bob: hi alice, bye
                alice got: bob left
                server closed
                """);
    }

    /** Issue 13's closing scenario: the chat needs none of the workarounds a user once wrote for it. */
    @Test
    void theChatUsesFramingFuturesAndRunUntilWithNoWorkaround() throws Exception {
        String chat = Files.readString(GuideExamples.ROOT.resolve("examples/Chat.java"));
        assertThat(chat).contains("Framing.lines(", "FrameHandler<String>", ".closed()", "loop.runUntil(");
        assertThat(chat).as("no bytes split by hand, no timer polling isClosing(), no run()/stop() dance")
                .doesNotContain("ByteArrayOutputStream", "dataReceived", ".schedule(", "loop.run()", ".stop()");
    }
}
