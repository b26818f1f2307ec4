package io.jselectors.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.bench.load.LoadResult;
import io.jselectors.bench.load.ProcStat;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The results file: ratios to the reference and the verdicts against the targets. */
class ReportTest {
    private static final Scenario PP1000 = Scenario.full(Duration.ofSeconds(1), Duration.ofSeconds(5)).get(2);

    private static CellResult cell(String server, long messages, long userTicks, long sysTicks) {
        LoadResult r = new LoadResult(1000, 0, 64, 1, 5.0, messages, 100, 200, 300, 400,
                new ProcStat.Cpu(userTicks, sysTicks), 50L << 20, new ProcStat.Cpu(480, 20));
        return new CellResult(server, PP1000, r, 40L << 20, null);
    }

    @Test
    void ratiosAndVerdictsFollowTheFigures() {
        // 500,000 messages: 100 ticks = 1 s = 2 us/msg.
        List<CellResult> cells = List.of(
                cell("ours", 500_000, 20, 80), // 2.00 us/msg, user 0.40
                cell("c-epoll", 500_000, 10, 90), // 2.00 us/msg, user 0.20
                cell("netty-epoll", 500_000, 40, 60)); // 2.00 us/msg: ours is 1.00x, target 0.9x not met
        String md = new Report(List.of(PP1000), List.of("ours", "c-epoll", "netty-epoll"), cells, "ours", List.of())
                .render("t", List.of());
        assertThat(md).contains("| ours (ref) | 100,000 |");
        assertThat(md).contains("| c-epoll | 100,000 (1.00x) |");
        assertThat(md).contains("2.00 vs 2.00 us = 1.00x | met");
        assertThat(md).contains("0.40 vs 0.20 us = 2.00x | met");
        assertThat(md).containsPattern("<= 0.9x Netty epoll \\| 2.00 vs 2.00 us = 1.00x \\| \\*\\*NOT MET\\*\\*");
        // The client used 5 s of CPU in 5 s: every cell was bound by the client.
        assertThat(md).contains("| pp-1000 | 3 / 0 / 0 / 0 |").contains("| 100% | client |");
    }

    @Test
    void aFailedCellIsShownWithItsReason() {
        CellResult failed = new CellResult("c-epoll", PP1000, null, 0, "connection 3 closed by the server");
        String md = new Report(List.of(PP1000), List.of("ours", "c-epoll"),
                List.of(cell("ours", 1000, 1, 1), failed), "ours", List.of()).render("t", List.of());
        assertThat(md).contains("| c-epoll | FAILED: connection 3 closed by the server");
        assertThat(md).contains("not measured (c-epoll has no result) | **NOT MET**");
    }

    @Test
    void aRunWithoutTargetScenariosHasNoTargetsTable() {
        Scenario quick = Scenario.quick().getFirst();
        LoadResult r = new LoadResult(10, 0, 64, 1, 1.0, 1000, 100, 200, 300, 400,
                new ProcStat.Cpu(1, 1), 50L << 20, new ProcStat.Cpu(1, 1));
        String md = new Report(List.of(quick), List.of("ours"), List.of(new CellResult("ours", quick, r, 40L << 20, null)),
                "ours", List.of()).render("t", List.of());
        assertThat(md).contains("| ours (ref) |").doesNotContain("Targets");
    }

    @Test
    void quickWritesToItsTemporaryDirectoryUnlessToldOtherwise() {
        java.nio.file.Path root = java.nio.file.Path.of("/repo");
        java.nio.file.Path work = java.nio.file.Path.of("/tmp/jselectors-bench-1");
        assertThat(CompareCommand.outDir(null, true, root, work)).isEqualTo(work);
        assertThat(CompareCommand.outDir(null, false, root, work)).isEqualTo(root.resolve("bench/results"));
        assertThat(CompareCommand.outDir(java.nio.file.Path.of("/x"), true, root, work)).isEqualTo(java.nio.file.Path.of("/x"));
    }
}
