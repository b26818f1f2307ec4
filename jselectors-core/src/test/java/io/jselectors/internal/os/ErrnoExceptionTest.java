package io.jselectors.internal.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.ErrnoException;
import io.jselectors.Fds;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** The error type of every binding: its message format, errno() and errnoName(), from real failed calls. */
class ErrnoExceptionTest {
    @Test
    void messageNamesTheCallTheFdAndTheErrno() {
        ErrnoException e = new ErrnoException("epoll_ctl(ADD, fd=7)", 9, "EBADF", "Bad file descriptor");
        assertThat(e).isInstanceOf(IOException.class);
        assertThat(e.getMessage()).isEqualTo("epoll_ctl(ADD, fd=7): EBADF (Bad file descriptor)");
        assertThat(e.errno()).isEqualTo(9);
        assertThat(e.errnoName()).isEqualTo("EBADF");
        assertThat(Errno.exception("epoll_ctl(ADD, fd=7)", Errno.EBADF))
                .hasMessage("epoll_ctl(ADD, fd=7): EBADF (Bad file descriptor)");
    }

    @Test
    void epollCtlFailuresReadLikeTheContractsExample() throws IOException {
        try (Fds fds = new Fds(); Arena arena = Arena.ofConfined()) {
            int epfd = Epoll.create1(Epoll.EPOLL_CLOEXEC);
            try {
                MemorySegment ev = arena.allocate(Epoll.EVENT);
                int bad = Fds.notOpen();
                assertThatThrownBy(() -> Epoll.ctl(epfd, Epoll.EPOLL_CTL_ADD, bad, ev))
                        .isInstanceOfSatisfying(ErrnoException.class, e -> {
                            assertThat(e.getMessage()).isEqualTo("epoll_ctl(ADD, fd=" + bad + "): EBADF (Bad file descriptor)");
                            assertThat(e.errno()).isEqualTo(Errno.EBADF).isEqualTo(9);
                            assertThat(e.errnoName()).isEqualTo("EBADF");
                        });
                int efd = fds.eventfd(0);
                assertThatThrownBy(() -> Epoll.ctl(epfd, Epoll.EPOLL_CTL_MOD, efd, ev))
                        .hasMessage("epoll_ctl(MOD, fd=" + efd + "): ENOENT (No such file or directory)")
                        .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
                Epoll.ctl(epfd, Epoll.EPOLL_CTL_ADD, efd, ev);
                assertThatThrownBy(() -> Epoll.ctl(epfd, Epoll.EPOLL_CTL_ADD, efd, ev))
                        .hasMessage("epoll_ctl(ADD, fd=" + efd + "): EEXIST (File exists)");
                Epoll.ctl(epfd, Epoll.EPOLL_CTL_DEL, efd, ev);
                assertThatThrownBy(() -> Epoll.ctl(epfd, Epoll.EPOLL_CTL_DEL, efd, ev))
                        .hasMessage("epoll_ctl(DEL, fd=" + efd + "): ENOENT (No such file or directory)");
                // epoll cannot watch itself
                assertThatThrownBy(() -> Epoll.ctl(epfd, Epoll.EPOLL_CTL_ADD, epfd, ev))
                        .hasMessage("epoll_ctl(ADD, fd=" + epfd + "): EINVAL (Invalid argument)");
            } finally {
                Unistd.close(epfd);
            }
        }
    }

    @Test
    void otherCallsNameThemselvesAndTheirFd() throws IOException {
        int bad = Fds.notOpen();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(8);
            assertThatThrownBy(() -> Unistd.read(bad, buf)).hasMessage("read(fd=" + bad + "): EBADF (Bad file descriptor)");
            assertThatThrownBy(() -> Unistd.write(bad, buf)).hasMessage("write(fd=" + bad + "): EBADF (Bad file descriptor)");
            assertThatThrownBy(() -> Unistd.close(bad)).hasMessage("close(fd=" + bad + "): EBADF (Bad file descriptor)");
            assertThatThrownBy(() -> Fcntl.fcntl(bad, Fcntl.F_GETFL, 0))
                    .hasMessage("fcntl(fd=" + bad + ", cmd=3): EBADF (Bad file descriptor)");
            assertThatThrownBy(() -> Epoll.waitMillis(bad, arena.allocate(Epoll.EVENT), 0))
                    .hasMessage("epoll_wait(fd=" + bad + "): EBADF (Bad file descriptor)");
            assertThatThrownBy(() -> Epoll.create1(-1)).hasMessage("epoll_create1: EINVAL (Invalid argument)");
            assertThatThrownBy(() -> EventFd.eventfd(0, 0x4000_0000))
                    .hasMessage("eventfd(flags=0x40000000): EINVAL (Invalid argument)");
            assertThatThrownBy(() -> Unistd.pipe2(arena.allocate(ValueLayout.JAVA_INT, 2), 0x4000_0000))
                    .hasMessage("pipe2(flags=0x40000000): EINVAL (Invalid argument)");
            assertThatThrownBy(() -> Sockets.socketpair(9999, Sockets.SOCK_STREAM, 0, arena.allocate(ValueLayout.JAVA_INT, 2)))
                    .hasMessage("socketpair(domain=9999, type=0x1): EAFNOSUPPORT (Address family not supported by protocol)")
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errnoName()).isEqualTo("EAFNOSUPPORT"));
        }
    }

    @Test
    void errnoNamesAndDescriptions() {
        assertThat(Errno.name(Errno.EBADF)).isEqualTo("EBADF");
        assertThat(Errno.description(Errno.EBADF)).isEqualTo("Bad file descriptor");
        assertThat(Errno.name(Errno.EINTR)).isEqualTo("EINTR");
        assertThat(Errno.name(Errno.EAGAIN)).isEqualTo("EAGAIN");
        assertThat(Errno.name(Errno.EPIPE)).isEqualTo("EPIPE");
        assertThat(Errno.name(Errno.EMFILE)).isEqualTo("EMFILE");
        assertThat(Errno.description(Errno.EMFILE)).isEqualTo("Too many open files");
        assertThat(Errno.name(Errno.ENOSYS)).isEqualTo("ENOSYS");
        assertThat(Errno.name(123_456)).isEqualTo("errno 123456");
        assertThat(Errno.description(123_456)).isEqualTo("unknown error");
        ErrnoException unknown = Errno.exception("frob(fd=3)", 123_456);
        assertThat(unknown).hasMessage("frob(fd=3): errno 123456 (unknown error)");
        assertThat(unknown.errno()).isEqualTo(123_456);
    }

    /** The Linux values the bindings compare against are the kernel's. */
    @Test
    void errnoValuesAreLinuxs() {
        assertThat(new int[] {Errno.EPERM, Errno.ENOENT, Errno.EINTR, Errno.EBADF, Errno.EAGAIN, Errno.ENOMEM,
                        Errno.EEXIST, Errno.EINVAL, Errno.ENFILE, Errno.EMFILE, Errno.EPIPE, Errno.ENOSYS})
                .containsExactly(1, 2, 4, 9, 11, 12, 17, 22, 23, 24, 32, 38);
    }
}
