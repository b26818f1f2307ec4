package io.jselectors;

import static io.jselectors.Selector.EVENT_READ;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The contract and CPython's EpollSelectorTestCase on {@link EpollSelector}. */
@EnabledOnOs(value = OS.LINUX, disabledReason = "epoll exists only on Linux")
class EpollSelectorTest extends AbstractSelectorTest implements ScalableSelectorTests {
    @Override
    public Selector openSelector() throws IOException {
        return EpollSelector.open();
    }

    @Override
    String backendName() {
        return "epoll";
    }

    @Override
    boolean checksFdAtRegister() {
        return true;
    }

    /** test_register_file: epoll refuses regular files with EPERM, and leaves no key behind. */
    @Test
    void registerOfARegularFileIsRefused() throws IOException {
        int fd = fds.regularFile();
        assertThatThrownBy(() -> sel.register(fd, EVENT_READ))
                .isInstanceOfSatisfying(ErrnoException.class, e -> {
                    assertThat(e.errnoName()).isEqualTo("EPERM");
                    assertThat(e.getMessage()).isEqualTo("epoll_ctl(ADD, fd=" + fd + "): EPERM (Operation not permitted)");
                });
        assertThatThrownBy(() -> sel.getKey(fd)).isInstanceOf(NoSuchElementException.class);
        assertThat(sel.getMap()).isEmpty();
    }

    @Test
    void isAvailableOnLinux() {
        assertThat(EpollSelector.isAvailable()).isTrue();
    }
}
