package io.jselectors.internal.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.ErrnoException;
import io.jselectors.Fds;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** pipe2, socketpair, eventfd, fcntl, read, write and close: what they do, and how they fail. */
class DescriptorBindingsTest {
    private int fdsBefore;
    private Arena arena;
    private Fds fds;

    @BeforeEach
    void open() {
        fdsBefore = Fds.openCount();
        arena = Arena.ofConfined();
        fds = new Fds();
    }

    @AfterEach
    void close() throws IOException {
        fds.close();
        arena.close();
        assertThat(Fds.openCount()).as("open descriptors after the test (leak check)").isEqualTo(fdsBefore);
    }

    @Test
    void pipe2AppliesItsFlags() throws IOException {
        MemorySegment two = arena.allocate(ValueLayout.JAVA_INT, 2);
        Unistd.pipe2(two, Unistd.O_NONBLOCK | Unistd.O_CLOEXEC);
        int r = two.getAtIndex(ValueLayout.JAVA_INT, 0), w = two.getAtIndex(ValueLayout.JAVA_INT, 1);
        try {
            assertThat(r).isNotEqualTo(w);
            for (int fd : new int[] {r, w}) {
                assertThat(Fcntl.fcntl(fd, Fcntl.F_GETFL, 0) & Unistd.O_NONBLOCK).isEqualTo(Unistd.O_NONBLOCK);
                assertThat(Fcntl.fcntl(fd, Fcntl.F_GETFD, 0) & Fcntl.FD_CLOEXEC).isEqualTo(Fcntl.FD_CLOEXEC);
            }
        } finally {
            Unistd.close(r);
            Unistd.close(w);
        }
        Unistd.pipe2(two, 0);
        r = two.getAtIndex(ValueLayout.JAVA_INT, 0);
        w = two.getAtIndex(ValueLayout.JAVA_INT, 1);
        try {
            assertThat(Fcntl.fcntl(r, Fcntl.F_GETFL, 0) & Unistd.O_NONBLOCK).isZero();
            assertThat(Fcntl.fcntl(r, Fcntl.F_GETFD, 0) & Fcntl.FD_CLOEXEC).isZero();
        } finally {
            Unistd.close(r);
            Unistd.close(w);
        }
        assertThat(Fcntl.isOpen(r)).isFalse();
        assertThatThrownBy(() -> Unistd.pipe2(arena.allocate(4), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readAndWriteMoveBytesAndReportWouldBlockAndEndOfFile() throws IOException {
        int[] p = fds.pipe();
        MemorySegment buf = arena.allocate(16);
        assertThat(Unistd.read(p[0], buf)).isEqualTo(Unistd.WOULD_BLOCK);
        MemorySegment hello = arena.allocateFrom("hello", java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(Unistd.write(p[1], hello.asSlice(0, 5))).isEqualTo(5);
        assertThat(Unistd.read(p[0], buf)).isEqualTo(5);
        assertThat(buf.getString(0, java.nio.charset.StandardCharsets.US_ASCII)).startsWith("hello");
        assertThat(Unistd.read(p[0], arena.allocate(0))).isZero();

        long filled = fds.fill(p[1]);
        assertThat(filled).isGreaterThanOrEqualTo(4096);
        assertThat(Unistd.write(p[1], hello)).isEqualTo(Unistd.WOULD_BLOCK);

        fds.close(p[1]);
        MemorySegment big = arena.allocate(1 << 20);
        long drained = 0, n;
        while ((n = Unistd.read(p[0], big)) > 0) {
            drained += n;
        }
        assertThat(n).as("end of file").isZero();
        assertThat(drained).isEqualTo(filled);
    }

    /** The JVM ignores SIGPIPE, so a write to a pipe without reader fails with EPIPE instead of killing us. */
    @Test
    void writeWithoutReaderIsEpipe() throws IOException {
        int[] p = fds.pipe();
        fds.close(p[0]);
        assertThatThrownBy(() -> Unistd.write(p[1], arena.allocate(1)))
                .isInstanceOfSatisfying(ErrnoException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.EPIPE);
                    assertThat(e.errnoName()).isEqualTo("EPIPE");
                })
                .hasMessage("write(fd=" + p[1] + "): EPIPE (Broken pipe)");
    }

    @Test
    void eventfdCountsAndRefusesShortBuffers() throws IOException {
        int efd = fds.eventfd(3);
        MemorySegment v = arena.allocate(ValueLayout.JAVA_LONG);
        assertThat(Unistd.read(efd, v)).isEqualTo(8);
        assertThat(v.get(ValueLayout.JAVA_LONG, 0)).isEqualTo(3);
        assertThat(Unistd.read(efd, v)).isEqualTo(Unistd.WOULD_BLOCK);
        v.set(ValueLayout.JAVA_LONG, 0, 5);
        assertThat(Unistd.write(efd, v)).isEqualTo(8);
        assertThat(Unistd.write(efd, v)).isEqualTo(8);
        assertThat(Unistd.read(efd, v)).isEqualTo(8);
        assertThat(v.get(ValueLayout.JAVA_LONG, 0)).isEqualTo(10);

        assertThatThrownBy(() -> Unistd.read(efd, arena.allocate(4)))
                .hasMessage("read(fd=" + efd + "): EINVAL (Invalid argument)");
        v.set(ValueLayout.JAVA_LONG, 0, -1L); // 0xffffffffffffffff is not a valid increment
        assertThatThrownBy(() -> Unistd.write(efd, v)).hasMessage("write(fd=" + efd + "): EINVAL (Invalid argument)");

        int sem = EventFd.eventfd(2, EventFd.EFD_NONBLOCK | EventFd.EFD_CLOEXEC | EventFd.EFD_SEMAPHORE);
        try {
            assertThat(Unistd.read(sem, v)).isEqualTo(8);
            assertThat(v.get(ValueLayout.JAVA_LONG, 0)).isEqualTo(1);
            assertThat(Unistd.read(sem, v)).isEqualTo(8);
            assertThat(Unistd.read(sem, v)).isEqualTo(Unistd.WOULD_BLOCK);
            assertThat(Fcntl.fcntl(sem, Fcntl.F_GETFD, 0) & Fcntl.FD_CLOEXEC).isEqualTo(Fcntl.FD_CLOEXEC);
        } finally {
            Unistd.close(sem);
        }
        assertThat(EventFd.isAvailable()).isTrue();
    }

    @Test
    void socketpairIsConnectedBothWays() throws IOException {
        int[] sp = fds.socketpair();
        MemorySegment buf = arena.allocate(8);
        assertThat(Fcntl.fcntl(sp[0], Fcntl.F_GETFL, 0) & Unistd.O_NONBLOCK).isEqualTo(Unistd.O_NONBLOCK);
        assertThat(Fcntl.fcntl(sp[1], Fcntl.F_GETFD, 0) & Fcntl.FD_CLOEXEC).isEqualTo(Fcntl.FD_CLOEXEC);
        fds.write(sp[0], "ab");
        fds.write(sp[1], "cd");
        assertThat(fds.read(sp[1], 8)).isEqualTo("ab");
        assertThat(fds.read(sp[0], 8)).isEqualTo("cd");
        assertThat(Unistd.read(sp[0], buf)).isEqualTo(Unistd.WOULD_BLOCK);

        // datagrams keep their boundaries
        MemorySegment two = arena.allocate(ValueLayout.JAVA_INT, 2);
        Sockets.socketpair(Sockets.AF_UNIX, Sockets.SOCK_DGRAM | Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC, 0, two);
        int a = two.getAtIndex(ValueLayout.JAVA_INT, 0), b = two.getAtIndex(ValueLayout.JAVA_INT, 1);
        try {
            fds.write(a, "one");
            fds.write(a, "two");
            assertThat(fds.read(b, 64)).isEqualTo("one");
            assertThat(fds.read(b, 64)).isEqualTo("two");
        } finally {
            Unistd.close(a);
            Unistd.close(b);
        }
        assertThatThrownBy(() -> Sockets.socketpair(Sockets.AF_UNIX, Sockets.SOCK_STREAM, 0, arena.allocate(4)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fcntlFlagsAndDuplicates() throws IOException {
        int[] p = fds.pipe();
        Fcntl.setNonBlocking(p[0], false);
        assertThat(Fcntl.fcntl(p[0], Fcntl.F_GETFL, 0) & Unistd.O_NONBLOCK).isZero();
        Fcntl.setNonBlocking(p[0], true);
        Fcntl.setNonBlocking(p[0], true); // already: no change
        assertThat(Fcntl.fcntl(p[0], Fcntl.F_GETFL, 0) & Unistd.O_NONBLOCK).isEqualTo(Unistd.O_NONBLOCK);

        Fcntl.fcntl(p[0], Fcntl.F_SETFD, 0);
        assertThat(Fcntl.fcntl(p[0], Fcntl.F_GETFD, 0)).isZero();
        Fcntl.fcntl(p[0], Fcntl.F_SETFD, Fcntl.FD_CLOEXEC);
        assertThat(Fcntl.fcntl(p[0], Fcntl.F_GETFD, 0)).isEqualTo(Fcntl.FD_CLOEXEC);

        int dup = Fcntl.fcntl(p[1], Fcntl.F_DUPFD_CLOEXEC, 700);
        try {
            assertThat(dup).isGreaterThanOrEqualTo(700);
            assertThat(Fcntl.fcntl(dup, Fcntl.F_GETFD, 0)).isEqualTo(Fcntl.FD_CLOEXEC);
            fds.write(dup, "via dup");
            assertThat(fds.read(p[0], 64)).isEqualTo("via dup");
        } finally {
            Unistd.close(dup);
        }
        assertThat(Fcntl.isOpen(p[0])).isTrue();
        assertThat(Fcntl.isOpen(dup)).isFalse();
        assertThatThrownBy(() -> Fcntl.fcntl(p[0], 9999, 0))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errnoName()).isEqualTo("EINVAL"));
    }
}
