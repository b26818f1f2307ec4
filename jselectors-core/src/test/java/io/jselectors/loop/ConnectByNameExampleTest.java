package io.jselectors.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.testsupport.GuideExamples;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** examples/ConnectByName.java is in docs/loop.md word for word, and prints what the guide says it prints. */
class ConnectByNameExampleTest {
    @Test
    void exampleIsInTheGuideAndPrintsWhatItSays() throws Exception {
        GuideExamples.assertShownVerbatim("docs/loop.md", "ConnectByName");
        String guide = Files.readString(GuideExamples.ROOT.resolve("docs/loop.md"));
        String printsMarker = "It prints:\n```\n";
        int printed = guide.indexOf(printsMarker, guide.indexOf("<!-- examples/ConnectByName.java -->"));
        assertThat(printed).as("docs/loop.md shows what the example prints").isNotNegative();
        int from = printed + printsMarker.length();
        assertThat(GuideExamples.run("ConnectByName")).isEqualTo(guide.substring(from, guide.indexOf("```", from)));
    }
}
