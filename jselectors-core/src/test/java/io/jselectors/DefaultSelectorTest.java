package io.jselectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.jselectors.internal.os.Platform;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** CPython's DefaultSelectorTestCase: the contract on {@link Selector#open()}, which is epoll on Linux. */
class DefaultSelectorTest extends AbstractSelectorTest implements ScalableSelectorTests {
    @Override
    public Selector openSelector() throws IOException {
        return Selector.open();
    }

    @Override
    String backendName() {
        return Platform.isLinux() ? "epoll" : Platform.isMac() || Platform.isBsd() ? "kqueue" : "poll";
    }

    @Override
    boolean checksFdAtRegister() {
        return !backendName().equals("poll");
    }

    @Test
    void openPicksTheBestBackendForThisPlatform() {
        assertThat(sel.backend()).isEqualTo(backendName());
        assertThat(sel).isInstanceOf(Platform.isLinux() ? EpollSelector.class : Selector.class);
    }

    /** "open() of a backend this platform lacks throws UnsupportedOperationException naming the backend and the platform". */
    @Test
    void kqueueIsUnsupportedHere() {
        assumeFalse(KqueueSelector.isAvailable(), "kqueue is available on this platform: nothing to refuse");
        assertThatThrownBy(KqueueSelector::open)
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("kqueue")
                .hasMessageContaining(System.getProperty("os.name"));
    }
}
