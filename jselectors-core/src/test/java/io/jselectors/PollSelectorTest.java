package io.jselectors;

import static io.jselectors.Selector.EVENT_READ;
import static io.jselectors.Selector.EVENT_WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The contract and CPython's PollSelectorTestCase on {@link PollSelector}. */
class PollSelectorTest extends AbstractSelectorTest implements ScalableSelectorTests {
    @Override
    public Selector openSelector() throws IOException {
        return PollSelector.open();
    }

    @Override
    String backendName() {
        return "poll";
    }

    @Override
    boolean checksFdAtRegister() {
        return false;
    }

    /** poll takes regular files, which are always ready. */
    @Test
    void aRegularFileIsAlwaysReady() throws IOException {
        int fd = fds.regularFile();
        SelectorKey key = sel.register(fd, EVENT_READ | EVENT_WRITE);
        assertThat(sel.select(Duration.ofSeconds(5))).containsExactly(new ReadyEvent(key, EVENT_READ | EVENT_WRITE));
    }

    @Test
    void isAvailable() {
        assertThat(PollSelector.isAvailable()).isTrue();
    }
}
