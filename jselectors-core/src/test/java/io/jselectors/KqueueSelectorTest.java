package io.jselectors;

import static io.jselectors.Selector.EVENT_READ;
import static io.jselectors.Selector.EVENT_WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract and CPython's KqueueSelectorTestCase on {@link KqueueSelector}: on macOS and FreeBSD,
 * and on Linux through libkqueue when {@code -Djselectors.kqueue.library=...} names it. Without
 * kqueue every test is skipped, with the reason printed.
 */
class KqueueSelectorTest extends AbstractSelectorTest implements ScalableSelectorTests {
    /** Before the first leak check counts descriptors: libkqueue keeps two of its own from its first kqueue(). */
    @BeforeAll
    static void warmUp() {
        KqueueAvailability.warmUp();
    }

    @Override
    void assumeAvailable() {
        KqueueAvailability.assumeAvailable();
    }

    @Override
    public Selector openSelector() throws IOException {
        KqueueAvailability.assumeAvailable(); // also for the ScalableSelectorTests, which open their own
        return KqueueSelector.open();
    }

    @Override
    String backendName() {
        return "kqueue";
    }

    @Override
    boolean checksFdAtRegister() {
        return true;
    }

    /** Read and write are two filters in kqueue: a file ready for both is one event, and the buffer counts filters. */
    @Test
    void manyFilesReadyForBothComeBackOncePerFile() throws IOException {
        int n = 200; // 400 filters: past the first result list of 64
        java.util.Map<Integer, SelectorKey> keys = new java.util.HashMap<>();
        for (int i = 0; i < n; i++) {
            int[] sp = fds.socketpair();
            fds.write(sp[1], "x");
            keys.put(sp[0], sel.register(sp[0], EVENT_READ | EVENT_WRITE));
        }
        var ready = sel.select(Duration.ofSeconds(5));
        assertThat(ready).hasSize(n);
        assertThat(ready).allSatisfy(e -> {
            assertThat(e.events()).isEqualTo(EVENT_READ | EVENT_WRITE);
            assertThat(keys.get(e.key().fd())).isSameAs(e.key());
        });
    }
}
