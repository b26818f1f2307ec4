package io.jselectors.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.bench.load.ProcStat;
import org.junit.jupiter.api.Test;

/** Parsing /proc/PID/stat and /status. */
class ProcStatTest {
    // A real line's shape, with a command name holding spaces and parentheses.
    private static final String STAT = "4242 (my (odd) server) S 1 4242 4242 0 -1 4194560 1234 0 0 0 "
            + "1500 250 3 4 20 0 17 0 123456 2147483648 51200 18446744073709551615 1 1 0 0 0 0 0 4096 17663 "
            + "0 0 0 17 1 0 0 0 0 0";

    @Test
    void readsUtimeAndStimeCountingFromTheLastParenthesis() {
        ProcStat.Cpu cpu = ProcStat.parseStat(STAT);
        assertThat(cpu.userTicks()).isEqualTo(1500);
        assertThat(cpu.systemTicks()).isEqualTo(250);
        assertThat(cpu.totalSeconds()).isEqualTo(17.5);
        assertThat(cpu.userSeconds()).isEqualTo(15.0);
    }

    @Test
    void subtractsSnapshots() {
        ProcStat.Cpu d = new ProcStat.Cpu(300, 50).minus(new ProcStat.Cpu(100, 20));
        assertThat(d).isEqualTo(new ProcStat.Cpu(200, 30));
    }

    @Test
    void rejectsTextThatIsNotAStatLine() {
        assertThatThrownBy(() -> ProcStat.parseStat("hello world")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no ')'");
        assertThatThrownBy(() -> ProcStat.parseStat("1 (x) S 1 2 3")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fields");
        assertThatThrownBy(() -> ProcStat.parseStat(STAT.replace(" 1500 ", " abc ")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not numbers");
    }

    @Test
    void readsVmRssInBytes() {
        String status = "Name:\tjava\nVmPeak:\t  999 kB\nVmRSS:\t   51200 kB\nThreads:\t12\n";
        assertThat(ProcStat.parseRssBytes(status)).isEqualTo(51200L * 1024);
        assertThat(ProcStat.parseRssBytes("Name:\tzombie\n")).isZero();
    }

    @Test
    void thisProcessHasCpuTimeAndMemory() throws Exception {
        long pid = ProcessHandle.current().pid();
        long spin = System.nanoTime() + 50_000_000;
        long x = 0;
        while (System.nanoTime() < spin) {
            x += Long.numberOfTrailingZeros(x + 1);
        }
        assertThat(x).isNotNegative();
        assertThat(ProcStat.processCpu(pid).totalSeconds()).isPositive();
        assertThat(ProcStat.treeRssBytes(pid)).isGreaterThan(1 << 20);
    }
}
