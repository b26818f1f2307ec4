package io.jselectors;

import static io.jselectors.Selector.EVENT_READ;
import static io.jselectors.Selector.EVENT_WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * CPython's ScalableSelectorMixIn (test_above_fd_setsize) and the contract's "epoll, kqueue and poll
 * take at least 10,000 registered fds", for the backends that scale.
 */
interface ScalableSelectorTests {
    int MANY = 10_000;

    Selector openSelector() throws IOException;

    /** 10,000 eventfds (most of them numbered far above FD_SETSIZE), all ready, all in one select. */
    @Test
    default void tenThousandRegisteredFds() throws IOException {
        try (Selector sel = openSelector(); Fds fds = new Fds()) {
            int[] all = new int[MANY];
            BitSet expected = new BitSet();
            for (int i = 0; i < MANY; i++) {
                all[i] = fds.eventfd(1); // counter 1: readable; and writable
                sel.register(all[i], i % 2 == 0 ? EVENT_READ : EVENT_READ | EVENT_WRITE);
                expected.set(all[i]);
            }
            assertThat(all[MANY - 1]).as("the fds go past FD_SETSIZE").isGreaterThan(5000);
            assertThat(sel.getMap()).hasSize(MANY);

            List<ReadyEvent> ready = sel.select(Duration.ofSeconds(10));
            assertThat(ready).hasSize(MANY);
            BitSet seen = new BitSet();
            for (ReadyEvent e : ready) {
                assertThat(seen.get(e.key().fd())).as("fd %d reported twice", e.key().fd()).isFalse();
                seen.set(e.key().fd());
                assertThat(e.events()).isEqualTo(e.key().events());
            }
            assertThat(seen).isEqualTo(expected);

            // drain the even half: those registered READ only drop out
            for (int i = 0; i < MANY; i += 2) {
                assertThat(fds.read(all[i], 8)).isNotNull();
            }
            ready = sel.select(Duration.ofSeconds(10));
            assertThat(ready).hasSize(MANY / 2).allSatisfy(e -> assertThat(e.events()).isEqualTo(EVENT_READ | EVENT_WRITE));

            for (int fd : all) {
                sel.unregister(fd);
            }
            assertThat(sel.getMap()).isEmpty();
            assertThat(sel.select(Duration.ZERO)).isEmpty();
        }
    }

    /**
     * test_above_fd_setsize as CPython writes it: socketpairs up to the process's fd limit (less a
     * margin for the JVM), every reader READ and every writer WRITE; one select returns the writers.
     */
    @Test
    @Tag("soak")
    default void socketPairsUpToTheFdLimit() throws IOException {
        long limit = openFilesSoftLimit();
        int pairs = (int) Math.min((limit - Fds.openCount() - 256) / 2, 32_768);
        System.out.printf("[%s] socketPairsUpToTheFdLimit: %d pairs under a limit of %d%n",
                getClass().getSimpleName(), pairs, limit);
        try (Selector sel = openSelector(); Fds fds = new Fds()) {
            for (int i = 0; i < pairs; i++) {
                int[] sp = fds.socketpair();
                sel.register(sp[0], EVENT_READ);
                sel.register(sp[1], EVENT_WRITE);
            }
            List<ReadyEvent> ready = sel.select(Duration.ofSeconds(30));
            assertThat(ready).hasSize(pairs).allSatisfy(e -> assertThat(e.events()).isEqualTo(EVENT_WRITE));
        }
    }

    /** The soft RLIMIT_NOFILE of this process (the JVM raises it to the hard limit at start). */
    private static long openFilesSoftLimit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                return Long.parseLong(line.substring("Max open files".length()).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException("no 'Max open files' in /proc/self/limits");
    }
}
