package io.jselectors.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.bench.compare.CompareCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code compare --quick} over the JDK NIO peer, the C server (when gcc exists) and the jselectors
 * peer: the results file and the charts are produced and every server has figures.
 */
class CompareQuickSmokeTest {
    @Test
    void quickCompareWritesTheResultsFileAndCharts(@TempDir Path out) throws Exception {
        // The peers run as child JVMs on this test's class path (surefire's, not its booter jar).
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        System.setProperty("jselectors.bench.classpath", cp);
        boolean gcc = Files.isExecutable(Path.of("/usr/bin/gcc")) || onPath("gcc");
        List<String> servers = new ArrayList<>(List.of("jselectors-selector", "jdk-nio", "jselectors-blocking"));
        if (gcc) {
            servers.add("c-epoll");
        } else {
            System.out.println("CompareQuickSmokeTest: gcc not found, the C server is left out of the smoke run");
        }
        int code = new CommandLine(new CompareCommand()).execute("--quick", "--no-progress", "--out", out.toString(),
                "--name", "smoke", "--only", String.join(",", servers));

        Path md = out.resolve("smoke.md");
        assertThat(md).exists();
        String text = Files.readString(md);
        for (String s : servers) {
            assertThat(text).containsPattern("\\| " + s + "( \\(ref\\))? \\| [0-9,]+ ");
        }
        assertThat(text).contains("Caveat: --quick").doesNotContain("## Targets");
        assertThat(text).doesNotContain("FAILED").contains("Ratios in parentheses are to **jselectors-selector**");
        assertThat(out.resolve("smoke-throughput.png")).exists().isNotEmptyFile();
        assertThat(out.resolve("smoke-cpu.png")).exists().isNotEmptyFile();
        byte[] png = Files.readAllBytes(out.resolve("smoke-cpu.png"));
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        assertThat(Files.readString(out.resolve("smoke.jsonl")).lines()).hasSize(servers.size());
        assertThat(code).isZero();
    }

    private static boolean onPath(String exe) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, exe))) {
                return true;
            }
        }
        return false;
    }
}
