package io.jselectors.internal.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.ErrnoException;
import io.jselectors.Fds;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** struct pollfd and the poll downcall. */
class PollBindingTest {
    @Test
    void pollfdIsEightBytes() {
        assertThat(Poll.POLLFD_SIZE).isEqualTo(8);
        assertThat(Poll.POLLFD.byteOffset(PathElement.groupElement("events"))).isEqualTo(4);
        assertThat(Poll.POLLFD.byteOffset(PathElement.groupElement("revents"))).isEqualTo(6);
    }

    @Test
    void reventsReportReadyHungUpAndClosedFds() throws IOException {
        try (Arena arena = Arena.ofConfined(); Fds fds = new Fds()) {
            int[] p = fds.pipe();
            int[] hup = fds.pipe();
            fds.close(hup[1]);
            MemorySegment set = arena.allocate(Poll.POLLFD, 5);
            Poll.set(set, 0, p[0], Poll.POLLIN); // idle
            Poll.set(set, 1, p[1], Poll.POLLOUT); // writable
            Poll.set(set, 2, hup[0], Poll.POLLIN); // writer gone
            Poll.set(set, 3, Fds.notOpen(), Poll.POLLIN); // not open
            Poll.set(set, 4, -1, Poll.POLLIN); // ignored by poll
            assertThat(Poll.poll(set, 5, 1000)).isEqualTo(3);
            assertThat(Poll.revents(set, 0)).isZero();
            assertThat(Poll.revents(set, 1)).isEqualTo(Poll.POLLOUT);
            assertThat(Poll.revents(set, 2) & Poll.POLLHUP).isEqualTo(Poll.POLLHUP);
            assertThat(Poll.revents(set, 3)).isEqualTo(Poll.POLLNVAL);
            assertThat(Poll.revents(set, 4)).isZero();
            assertThat(Poll.fd(set, 1)).isEqualTo(p[1]);
            Poll.set(set, 1, p[1], Poll.POLLOUT);
            assertThat(Poll.revents(set, 1)).as("set() clears revents").isZero();
        }
    }

    @Test
    void nfdsIsBoundedByTheSegment() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment two = arena.allocate(Poll.POLLFD, 2);
            assertThatThrownBy(() -> Poll.poll(two, 3, 0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Poll.poll(two, -1, 0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Poll.set(two, 2, 0, Poll.POLLIN)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void moreFdsThanTheLimitIsEinval() {
        try (Arena arena = Arena.ofConfined()) {
            int n = 1 << 20; // above RLIMIT_NOFILE
            MemorySegment many = arena.allocate(Poll.POLLFD, n);
            for (int i = 0; i < n; i++) {
                Poll.set(many, i, -1, 0);
            }
            assertThatThrownBy(() -> Poll.poll(many, n, 0))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errnoName()).isEqualTo("EINVAL"))
                    .hasMessage("poll(nfds=" + n + "): EINVAL (Invalid argument)");
        }
    }
}
