package io.jselectors;

import static io.jselectors.Selector.EVENT_READ;
import static io.jselectors.Selector.EVENT_WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.internal.os.Select;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/** The contract and CPython's SelectSelectorTestCase on {@link SelectSelector}. */
class SelectSelectorTest extends AbstractSelectorTest {
    @Override
    Selector openSelector() throws IOException {
        return SelectSelector.open();
    }

    @Override
    String backendName() {
        return "select";
    }

    @Override
    boolean checksFdAtRegister() {
        return false;
    }

    /** select(2) has no hang-up flag: a hung-up pipe is only "readable" (it reads end of file). */
    @Override
    boolean hangupReportsEveryRegisteredEvent() {
        return false;
    }

    /** "select on SelectSelector with an fd >= FD_SETSIZE (1024): rejected at register". */
    @Test
    void fdsFromFdSetSizeUpAreRefusedAtRegister() throws IOException {
        int[] p = fds.pipe();
        for (int big : new int[] {Select.FD_SETSIZE, Select.FD_SETSIZE + 1, 1500, 5000}) {
            int fd = fds.dup2(p[0], big);
            assertThatThrownBy(() -> sel.register(fd, EVENT_READ))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("fd " + fd)
                    .hasMessageContaining("FD_SETSIZE");
            assertThatThrownBy(() -> sel.register(fds.handle(fd, "big"), EVENT_WRITE))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> sel.getKey(fd)).isInstanceOf(NoSuchElementException.class);
            fds.close(fd);
        }
        assertThat(sel.getMap()).isEmpty();
        assertThat(sel.select(Duration.ZERO)).isEmpty();
    }

    /** "select is limited to fds < 1024": every fd up to 1023 works, and all come back in one select. */
    @Test
    void everyFdBelowFdSetSizeWorks() throws IOException {
        List<Integer> registered = new ArrayList<>();
        int fd;
        while ((fd = fds.eventfd(1)) < Select.FD_SETSIZE) {
            sel.register(fd, EVENT_READ | EVENT_WRITE);
            registered.add(fd);
        }
        int first = fd;
        assertThatThrownBy(() -> sel.register(first, EVENT_READ)).isInstanceOf(IllegalArgumentException.class);
        assertThat(registered).contains(Select.FD_SETSIZE - 1);
        List<ReadyEvent> ready = sel.select(Duration.ofSeconds(5));
        assertThat(ready).hasSize(registered.size());
        assertThat(ready).extracting(e -> e.key().fd()).containsExactlyInAnyOrderElementsOf(registered);
        assertThat(ready).allSatisfy(e -> assertThat(e.events()).isEqualTo(EVENT_READ | EVENT_WRITE));
        assertThat(sel.unregister(Select.FD_SETSIZE - 1).fd()).isEqualTo(Select.FD_SETSIZE - 1);
        assertThat(sel.select(Duration.ofSeconds(5))).hasSize(registered.size() - 1);
    }

    @Test
    void isAvailable() {
        assertThat(SelectSelector.isAvailable()).isTrue();
    }
}
