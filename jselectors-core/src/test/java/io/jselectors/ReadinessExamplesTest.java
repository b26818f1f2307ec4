package io.jselectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jselectors.net.PseudoTerminal;
import io.jselectors.testsupport.Examples;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The examples of docs/readiness.md run as the guide says, and the guide shows them word for word. */
class ReadinessExamplesTest {
    @Test
    void tenThousandVirtualThreadsWaitOnTheirOwnFdsWithAFewOsThreads() throws Exception {
        String out = Examples.run("examples/ManyWaiters.java");
        Matcher m = Pattern.compile("10000 virtual threads waiting, OS threads: (\\d+) before, (\\d+) now").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        int added = Integer.parseInt(m.group(2)) - Integer.parseInt(m.group(1));
        // The carriers (one per core), the readiness waiter and the JDK's timer/unparker: a handful, not 10,000.
        assertThat(added).as(out).isLessThanOrEqualTo(Runtime.getRuntime().availableProcessors() + 6);
        assertThat(out).contains("all 10000 woke");
    }

    @Test
    void pseudoTerminalsReadFromVirtualThreads() throws Exception {
        assumeTrue(PseudoTerminal.isAvailable(), "no posix_openpt/ptsname_r on this platform");
        assertThat(Examples.run("examples/PtyReader.java")).isEqualTo(String.join("\n",
                "pty 0 read: hello from terminal 0",
                "pty 1 read: hello from terminal 1",
                "pty 2 read: hello from terminal 2", ""));
    }

    @Test
    void theGuideShowsTheExamplesVerbatim() throws Exception {
        Examples.assertShownVerbatim("docs/readiness.md", "examples/ManyWaiters.java");
        Examples.assertShownVerbatim("docs/readiness.md", "examples/PtyReader.java");
    }
}
