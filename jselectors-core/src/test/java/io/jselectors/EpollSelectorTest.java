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

    /**
     * epoll keeps a registration alive while any dup of its file is open, even after the fd was closed
     * and unregistered. Once the number is reused, the old file's events must not reach the new key.
     */
    @Test
    void eventsOfAClosedButDupedFdNeverReachTheFileThatReusesItsNumber() throws IOException {
        int[] old = fds.pipe();
        sel.register(old[0], EVENT_READ, "old");
        fds.dup2(old[0], Fds.notOpen()); // keeps the old pipe's read side, and its epoll registration, alive
        int number = old[0];
        fds.close(number);
        assertThat(sel.unregister(number).data()).isEqualTo("old");
        int[] other = fds.pipe();
        fds.dup2(other[0], number); // a new file under the old number
        sel.register(number, EVENT_READ, "new");

        fds.write(old[1], "stale"); // the kernel now reports the old registration as readable
        assertThat(sel.select(java.time.Duration.ofMillis(100))).as("stale events reach nobody").isEmpty();

        fds.write(other[1], "fresh");
        var ready = sel.select(java.time.Duration.ofSeconds(5));
        assertThat(ready).hasSize(1);
        assertThat(ready.get(0).key().data()).isEqualTo("new");
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

    /**
     * "stale kernel registrations: one select still returns every ready registered file". 100 ready
     * registrations of files closed while a dup keeps them open outnumber the event buffer.
     */
    @Test
    void staleRegistrationsDoNotCrowdOutLiveFiles() throws IOException {
        for (int i = 0; i < 100; i++) {
            int[] p = fds.pipe();
            sel.register(p[0], EVENT_READ);
            fds.dup2(p[0], Fds.notOpen()); // keeps the file, and its epoll registration, alive
            fds.write(p[1], "x");
            fds.close(p[0]);
            sel.unregister(p[0]);
        }
        java.util.Set<SelectorKey> live = new java.util.HashSet<>();
        for (int i = 0; i < 10; i++) {
            live.add(sel.register(fds.eventfd(1), EVENT_READ));
        }
        var ready = sel.select(java.time.Duration.ZERO);
        assertThat(ready).extracting(ReadyEvent::key).containsExactlyInAnyOrderElementsOf(live);
        assertThat(sel.select(java.time.Duration.ZERO)).hasSize(10);
    }

    @Test
    void isAvailableOnLinux() {
        assertThat(EpollSelector.isAvailable()).isTrue();
    }
}
