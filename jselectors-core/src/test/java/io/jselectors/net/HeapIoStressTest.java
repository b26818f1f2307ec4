package io.jselectors.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Heap I/O from many virtual threads needs no native memory per thread: {@link HeapIoStress} in a JVM
 * of its own, with native memory tracking on and a young generation large enough that no collection
 * runs, so any memory that only a GC would free shows up. Before the staging pool each thread kept a
 * 64 KiB staging buffer until collected: 10,000 live threads held 640 MiB.
 */
class HeapIoStressTest {
    /** The cap on growth: the pool's sets plus what each thread keeps for itself (its errno slot). */
    private static final long CAP_KB = 8 * 1024;

    @Test
    void tenThousandVirtualThreadsDoingHeapIoKeepNativeMemoryBounded() throws Exception {
        check(10_000, 20_000);
    }

    @Test
    @Tag("soak")
    void hundredThousandVirtualThreads() throws Exception {
        check(100_000, 200_000);
    }

    private static void check(int live, int sequential) throws Exception {
        Map<String, Long> r = run(live, sequential);
        System.out.printf("heap I/O stress: %d live virtual threads grew native memory by %d KB, %d short-lived"
                        + " ones by %d KB; %d GCs; staging pool %d KB%n",
                live, r.get("live-growth-kb"), sequential, r.get("sequential-growth-kb"), r.get("gcs"),
                r.get("pool-live-bytes") / 1024);
        assertThat(r.get("gcs")).as("collections during the run (the measure needs none)").isZero();
        assertThat(r.get("live-growth-kb")).as("native KB held by %d live threads", live).isLessThan(CAP_KB);
        assertThat(r.get("sequential-growth-kb")).as("native KB left by %d ended threads", sequential)
                .isLessThan(CAP_KB);
        assertThat(r.get("pool-live-bytes")).as("staging sets alive")
                .isLessThanOrEqualTo(CallMemory.POOLED * CallMemory.SET_SIZE);
    }

    private static Map<String, Long> run(int live, int sequential) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED",
                        "-XX:NativeMemoryTracking=summary", "-XX:+UseSerialGC", "-Xms2g", "-Xmx2g", "-Xmn1800m",
                        "-XX:MaxDirectMemorySize=16g", "-cp", cp, HeapIoStress.class.getName(),
                        Integer.toString(live), Integer.toString(sequential))
                .redirectErrorStream(true)
                .start();
        String out;
        try (var in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the stress run ends").isTrue();
        io.jselectors.testsupport.ChildProcesses.closeStreams(p);
        assertThat(p.exitValue()).as(out).isZero();
        Map<String, Long> r = new HashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(eq + 1).strip().matches("-?\\d+")) {
                r.put(line.substring(0, eq).strip(), Long.parseLong(line.substring(eq + 1).strip()));
            }
        }
        assertThat(r).as(out).containsKeys("live-growth-kb", "sequential-growth-kb", "gcs", "pool-live-bytes");
        return r;
    }
}
