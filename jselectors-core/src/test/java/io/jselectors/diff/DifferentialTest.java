package io.jselectors.diff;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jselectors.EpollSelector;
import io.jselectors.KqueueSelector;
import io.jselectors.PollSelector;
import io.jselectors.SelectSelector;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CPython's {@code selectors} as the oracle (issue 10): random operation scripts ({@link Script}) run
 * through CPython's selector and ours, every result and error compared; the only differences allowed
 * are the rows of {@link Divergences}. A failure prints the seed and the script shrunk to the
 * operations that still show the difference.
 *
 * <p>{@code -Djselectors.diff.scripts=N} sets the number of scripts per backend (default 2,000);
 * {@code -Djselectors.diff.seed=S} the first seed. The soak profile runs a million per backend.
 */
class DifferentialTest {
    /** Script number i is fd BASE + i in both processes: below FD_SETSIZE, above what either uses. */
    static final int BASE = 900;
    private static final int BATCH = 2_000;

    /** One backend under test: ours, and the CPython selector class whose answers it must give. Add a row to add a backend. */
    record Backend(String name, String cpython, OurRunner.Opener opener, boolean staleRegistrations,
            boolean registersNumbers, BooleanSupplier available) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Backend> backends() {
        return Stream.of(
                new Backend("epoll", "epoll", EpollSelector::open, true, false, EpollSelector::isAvailable),
                new Backend("poll", "poll", PollSelector::open, false, false, PollSelector::isAvailable),
                new Backend("select", "select", SelectSelector::open, false, false, SelectSelector::isAvailable),
                // kqueue (libkqueue on Linux: -Djselectors.kqueue.library=...) answers as the kernel's epoll does
                new Backend("kqueue", "epoll", KqueueSelector::open, true, true, KqueueSelector::isAvailable));
    }

    private static String pythonMissing;

    @BeforeAll
    static void findPython() {
        pythonMissing = CPython.unavailableReason();
        System.out.println(Divergences.table());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    @Timeout(value = 10, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void ourSelectorsAnswerAsCPythonsDo(Backend backend) throws IOException {
        run(backend, Long.getLong("jselectors.diff.scripts", 2_000));
    }

    @Tag("soak")
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aMillionScripts(Backend backend) throws IOException {
        run(backend, Long.getLong("jselectors.diff.soakScripts", 1_000_000));
    }

    private static void run(Backend backend, long scripts) throws IOException {
        assumeTrue(pythonMissing == null, () -> "CPython differential test skipped: " + pythonMissing);
        assumeTrue(backend.available().getAsBoolean(), () -> backend.name + " is not available on this platform");
        long firstSeed = Long.getLong("jselectors.diff.seed", 1L);
        Map<String, Integer> applied = new TreeMap<>();
        long t0 = System.nanoTime();
        try (CPython python = CPython.start(backend.cpython, BASE, Divergences.driverRows());
                OurRunner ours = new OurRunner(backend.opener, BASE)) {
            for (long done = 0; done < scripts; done += BATCH) {
                List<Script> batch = new ArrayList<>();
                for (long s = done; s < Math.min(scripts, done + BATCH); s++) {
                    batch.add(Script.generate(firstSeed + s));
                }
                List<List<String>> answers = python.run(batch);
                for (int i = 0; i < batch.size(); i++) {
                    List<String> rows = new ArrayList<>();
                    Divergences.Mismatch m = Divergences.compare(
                            batch.get(i), ours.run(batch.get(i)), answers.get(i), backend.staleRegistrations, backend.registersNumbers, rows);
                    if (m != null) {
                        fail(report(backend, batch.get(i), m, python, ours));
                    }
                    rows.forEach(r -> applied.merge(r, 1, Integer::sum));
                }
            }
        }
        System.out.printf("[diff %s] %,d scripts (seeds %d..%d) agree with CPython's %s in %d ms; divergence rows"
                        + " applied (times): %s%n",
                backend.name, scripts, firstSeed, firstSeed + scripts - 1, backend.cpython,
                (System.nanoTime() - t0) / 1_000_000, applied);
    }

    /** Shrinks the failing script (drops operations while a difference remains) and describes it. */
    private static String report(Backend backend, Script failing, Divergences.Mismatch first, CPython python,
            OurRunner ours) throws IOException {
        Script small = failing;
        Divergences.Mismatch m = first;
        boolean shrunk = true;
        while (shrunk) {
            shrunk = false;
            for (int i = small.ops().size() - 1; i >= 0 && small.ops().size() > 1; i--) {
                Script candidate = small.without(i);
                Divergences.Mismatch cm = Divergences.compare(candidate, ours.run(candidate),
                        python.run(List.of(candidate)).get(0), backend.staleRegistrations, backend.registersNumbers,
                        new ArrayList<>());
                if (cm != null) {
                    small = candidate;
                    m = cm;
                    shrunk = true;
                }
            }
        }
        return "[" + backend.name + "] ours and CPython's " + backend.cpython + " differ for seed " + failing.seed()
                + " (" + first + ").\nShrunk script (" + small.ops().size() + " of " + failing.ops().size()
                + " operations; script number i is fd " + BASE + " + i):\n  " + String.join("\n  ", small.ops())
                + "\nFirst difference in it: " + m
                + "\nRerun: -Djselectors.diff.seed=" + failing.seed() + " -Djselectors.diff.scripts=1";
    }
}
