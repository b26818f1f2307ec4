package io.jselectors.internal.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.Fds;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** struct epoll_event of this CPU, and the epoll downcalls against the real kernel. */
@EnabledOnOs(value = OS.LINUX, disabledReason = "epoll exists only on Linux")
class EpollBindingTest {
    private int fdsBefore;
    private Arena arena;
    private Fds fds;
    private int epfd;

    @BeforeEach
    void open() throws IOException {
        fdsBefore = Fds.openCount();
        arena = Arena.ofConfined();
        fds = new Fds();
        epfd = Epoll.create1(Epoll.EPOLL_CLOEXEC);
    }

    @AfterEach
    void close() throws IOException {
        Unistd.close(epfd);
        fds.close();
        arena.close();
        assertThat(Fds.openCount()).as("open descriptors after the test (leak check)").isEqualTo(fdsBefore);
    }

    @Test
    void eventLayoutIsThisCpus() {
        long dataOffset = Epoll.EVENT.byteOffset(PathElement.groupElement("data"));
        long eventsOffset = Epoll.EVENT.byteOffset(PathElement.groupElement("events"));
        assertThat(eventsOffset).isZero();
        if (Platform.isX86_64()) {
            // packed on x86_64 (__EPOLL_PACKED)
            assertThat(Epoll.EVENT_SIZE).isEqualTo(12);
            assertThat(dataOffset).isEqualTo(4);
        } else if (Platform.isAarch64()) {
            assertThat(Epoll.EVENT_SIZE).isEqualTo(16);
            assertThat(dataOffset).isEqualTo(8);
        } else {
            throw new AssertionError("no expected epoll_event layout for " + Platform.describe());
        }
        assertThat(Epoll.TIMESPEC.byteSize()).isEqualTo(16);
    }

    @Test
    void setAndGetUseTheLayoutsOffsets() {
        MemorySegment array = arena.allocate(Epoll.EVENT_SIZE * 3).fill((byte) 0x5A);
        Epoll.set(array, 1, 0x11223344, 0x0102030405060708L);
        long base = Epoll.EVENT_SIZE;
        long dataOffset = Epoll.EVENT.byteOffset(PathElement.groupElement("data"));
        assertThat(array.get(ValueLayout.JAVA_INT_UNALIGNED, base)).isEqualTo(0x11223344);
        assertThat(array.get(ValueLayout.JAVA_LONG_UNALIGNED, base + dataOffset)).isEqualTo(0x0102030405060708L);
        assertThat(Epoll.events(array, 1)).isEqualTo(0x11223344);
        assertThat(Epoll.data(array, 1)).isEqualTo(0x0102030405060708L);
        // entries 0 and 2 untouched
        assertThat(array.asSlice(0, base).toArray(ValueLayout.JAVA_BYTE)).containsOnly((byte) 0x5A);
        assertThat(array.asSlice(2 * base, base).toArray(ValueLayout.JAVA_BYTE)).containsOnly((byte) 0x5A);
        assertThatThrownBy(() -> Epoll.set(array, 3, 1, 1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    /** The kernel agrees with our layout: what it writes back reads as what we registered. */
    @Test
    void theKernelWritesEventsAndDataWhereWeReadThem() throws IOException {
        int efd = fds.eventfd(1); // readable and writable
        MemorySegment ev = arena.allocate(Epoll.EVENT);
        long data = 0xCAFE_BABE_0000_0000L | efd;
        Epoll.set(ev, 0, Epoll.EPOLLIN | Epoll.EPOLLOUT, data);
        Epoll.ctl(epfd, Epoll.EPOLL_CTL_ADD, efd, ev);
        int[] sp = fds.socketpair();
        Epoll.set(ev, 0, Epoll.EPOLLIN, 0x7FFF_FFFF_FFFF_FFFFL);
        Epoll.ctl(epfd, Epoll.EPOLL_CTL_ADD, sp[0], ev);
        fds.write(sp[1], "x");

        MemorySegment ready = arena.allocate(Epoll.EVENT_SIZE * 4);
        assertThat(Epoll.waitMillis(epfd, ready, 5000)).isEqualTo(2);
        Set<Long> datas = new HashSet<>();
        for (int i = 0; i < 2; i++) {
            datas.add(Epoll.data(ready, i));
            int expected = Epoll.data(ready, i) == data ? Epoll.EPOLLIN | Epoll.EPOLLOUT : Epoll.EPOLLIN;
            assertThat(Epoll.events(ready, i)).isEqualTo(expected);
        }
        assertThat(datas).containsExactlyInAnyOrder(data, 0x7FFF_FFFF_FFFF_FFFFL);

        if (Epoll.hasPwait2()) {
            MemorySegment ts = arena.allocate(Epoll.TIMESPEC);
            Epoll.setTimespec(ts, 1_000_000_000L);
            assertThat(Epoll.pwait2(epfd, ready, ts)).isEqualTo(2);
        }
    }

    @Test
    void theArraySizeBoundsHowManyEventsComeBack() throws IOException {
        MemorySegment ev = arena.allocate(Epoll.EVENT);
        for (int i = 0; i < 5; i++) {
            int efd = fds.eventfd(1);
            Epoll.set(ev, 0, Epoll.EPOLLIN, efd);
            Epoll.ctl(epfd, Epoll.EPOLL_CTL_ADD, efd, ev);
        }
        // two whole entries, and a partial one that must not be counted
        MemorySegment two = arena.allocate(Epoll.EVENT_SIZE * 2 + Epoll.EVENT_SIZE / 2);
        assertThat(Epoll.waitMillis(epfd, two, 0)).isEqualTo(2);
        assertThatThrownBy(() -> Epoll.waitMillis(epfd, arena.allocate(Epoll.EVENT_SIZE - 1), 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Epoll.ctlRaw(epfd, Epoll.EPOLL_CTL_ADD, 0, arena.allocate(Epoll.EVENT_SIZE - 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Epoll.pwait2(epfd, two, arena.allocate(8)))
                .isInstanceOf(IllegalArgumentException.class);
        MemorySegment all = arena.allocate(Epoll.EVENT_SIZE * 8);
        assertThat(Epoll.waitMillis(epfd, all, 0)).isEqualTo(5);
    }

    @Test
    void ctlRawReturnsTheErrnoInsteadOfThrowing() throws IOException {
        MemorySegment ev = arena.allocate(Epoll.EVENT);
        int efd = fds.eventfd(0);
        assertThat(Epoll.ctlRaw(epfd, Epoll.EPOLL_CTL_DEL, efd, ev)).isEqualTo(Errno.ENOENT);
        assertThat(Epoll.ctlRaw(epfd, Epoll.EPOLL_CTL_ADD, efd, ev)).isZero();
        assertThat(Epoll.ctlRaw(epfd, Epoll.EPOLL_CTL_ADD, efd, ev)).isEqualTo(Errno.EEXIST);
        assertThat(Epoll.ctlRaw(epfd, Epoll.EPOLL_CTL_DEL, Fds.notOpen(), ev)).isEqualTo(Errno.EBADF);
        assertThat(Epoll.ctlRaw(epfd, Epoll.EPOLL_CTL_DEL, efd, ev)).isZero();
        int file = fds.regularFile();
        assertThat(Epoll.ctlRaw(epfd, Epoll.EPOLL_CTL_ADD, file, ev)).isEqualTo(Errno.EPERM);
    }

    @Test
    void timeoutsWait() throws IOException {
        MemorySegment ready = arena.allocate(Epoll.EVENT_SIZE * 2);
        assertThat(Epoll.waitMillis(epfd, ready, 0)).isZero();
        long t0 = System.nanoTime();
        assertThat(Epoll.waitMillis(epfd, ready, 30)).isZero();
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(30_000_000L);
        assertThat(Epoll.hasPwait2()).as("epoll_pwait2 (Linux 5.11+; build-notes say this kernel has it)").isTrue();
        MemorySegment ts = arena.allocate(Epoll.TIMESPEC);
        Epoll.setTimespec(ts, 1_500_000_001L);
        assertThat(ts.get(ValueLayout.JAVA_LONG, 0)).isEqualTo(1);
        assertThat(ts.get(ValueLayout.JAVA_LONG, 8)).isEqualTo(500_000_001L);
        Epoll.setTimespec(ts, 2_500_000L);
        t0 = System.nanoTime();
        assertThat(Epoll.pwait2(epfd, ready, ts)).isZero();
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(2_500_000L);
    }
}
