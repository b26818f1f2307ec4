package io.jselectors.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.testsupport.GuideExamples;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The UDP example of docs/loop.md is examples/UdpEcho.java word for word, and prints what it should. */
class UdpExampleTest {
    @Test
    void theUdpEchoExampleIsInTheGuideEchoesAndReportsTheCutDatagram() throws Exception {
        GuideExamples.assertShownVerbatim("docs/loop.md", "UdpEcho");
        String out = GuideExamples.run("UdpEcho");
        // The server's line may come before or between the client's (one loop round or two).
        assertThat(out.lines().toList()).containsExactlyInAnyOrderElementsOf(List.of(
                "server: a datagram longer than 16 bytes, cut to 16",
                "client got: hello",
                "client got: udp",
                "client got: a datagram longe"));
        assertThat(out.lines().filter(l -> l.startsWith("client")).toList()).containsExactly(
                "client got: hello", "client got: udp", "client got: a datagram longe");
    }
}
