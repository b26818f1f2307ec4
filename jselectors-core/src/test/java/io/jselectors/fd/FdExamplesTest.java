package io.jselectors.fd;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.testsupport.GuideExamples;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each example of docs/fds.md is the file in examples/, word for word, and prints what the guide says. */
class FdExamplesTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            Counter   | ready: 1\\ntook: 5\\ntook again: 0 (nothing left)\\nsemaphore: 1, 1, then 0
            Ticker    | one-shot fired; remaining now PT0S\\nwall-clock timer fired\\nticker period PT0.02S, at least 5 ticks: true\\ndisarmed; remaining PT0S
            WatchDir  | CREATE hello.txt\\nCLOSE_WRITE hello.txt\\nDELETE hello.txt
            Signals   | ready: 1\\ngot SIGUSR1 from this process: true\\nthen: null
            ChildExit | ready: 1\\nexited: true, status 7
            Terminal  | slave is a terminal: true\\ndevice got: AT<CR>\\nmodem got: OK<CR><LF>
            """)
    void exampleIsInTheGuideAndPrintsWhatItSays(String name, String expected) throws Exception {
        GuideExamples.assertShownVerbatim("docs/fds.md", name);
        assertThat(GuideExamples.run(name)).isEqualTo(expected.replace("\\n", "\n") + "\n");
    }
}
