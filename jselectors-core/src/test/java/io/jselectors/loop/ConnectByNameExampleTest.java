package io.jselectors.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.testsupport.Examples;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** examples/ConnectByName.java is in docs/loop.md word for word, and prints what the guide says it prints. */
class ConnectByNameExampleTest {
    @Test
    void exampleIsInTheGuideAndPrintsWhatItSays() throws Exception {
        int after = Examples.assertShownIn("loop.md", "ConnectByName");
        String guide = Files.readString(Examples.ROOT.resolve("docs/loop.md"));
        String printsMarker = "It prints:\n```\n";
        int printed = guide.indexOf(printsMarker, after);
        assertThat(printed).as("docs/loop.md shows what the example prints").isNotNegative();
        int from = printed + printsMarker.length();
        assertThat(Examples.run("ConnectByName")).isEqualTo(guide.substring(from, guide.indexOf("```", from)));
    }
}
