package io.jselectors.internal.os;

import io.jselectors.internal.os.AbiTable.Os;

/**
 * The OS table of FreeBSD 12 and later on amd64: profile {@code freebsd-x86_64}.
 *
 * <p>Read from freebsd-src (github freebsd/freebsd-src; {@code sys/sys/event.h} at the FreeBSD 12 layout
 * with {@code ext[4]}), the paths named per group, and cross-checked against golang.org/x/sys/unix's
 * {@code zerrors_freebsd_amd64.go} and {@code ztypes_freebsd_amd64.go} (generated on FreeBSD). Never run
 * on FreeBSD here. Unlike macOS, FreeBSD has {@code accept4}, {@code pipe2} and the
 * {@code SOCK_NONBLOCK}/{@code SOCK_CLOEXEC} type flags; its {@code struct kevent} is 64 bytes, and libc's
 * default {@code kevent} symbol (FBSD_1.5) takes that layout.
 */
final class FreeBsdTables {
    private FreeBsdTables() {}

    /** @return the {@code freebsd-x86_64} table */
    static AbiTable x86_64() {
        return AbiTable.builder("freebsd-x86_64", Os.FREEBSD)
                .functions("accept4", "pipe2", "kqueue", "kevent", "strerror_r")
                .header("errno.h", "freebsd sys/sys/errno.h")
                .with(SharedFacts::bsdErrno)
                .constant("EOPNOTSUPP", 45)
                .header("fcntl.h", "freebsd sys/sys/fcntl.h")
                .with(SharedFacts::bsdFcntl)
                .constant("O_CLOEXEC", 0x100000)
                .constant("O_NOCTTY", 0x8000)
                .constant("F_DUPFD_CLOEXEC", 17)
                .header("sys/socket.h", "freebsd sys/sys/socket.h, sys/sys/_sockaddr_storage.h, sys/sys/_types.h")
                .with(SharedFacts::bsdSocket)
                .constant("AF_INET6", 28)
                .constant("SOCK_CLOEXEC", 0x10000000)
                .constant("SOCK_NONBLOCK", 0x20000000)
                .constant("SO_NOSIGPIPE", 0x800)
                .constant("MSG_NOSIGNAL", 0x20000)
                .header("netinet/in.h", "freebsd sys/netinet/in.h, sys/netinet6/in6.h")
                .with(SharedFacts::bsdInet)
                .header("netinet/tcp.h", "freebsd sys/netinet/tcp.h")
                .constant("TCP_NODELAY", 1)
                .constant("TCP_KEEPIDLE", 256)
                .constant("TCP_KEEPINTVL", 512)
                .constant("TCP_KEEPCNT", 1024)
                .header("sys/un.h", "freebsd sys/sys/un.h")
                .with(SharedFacts::bsdUnix)
                .header("poll.h", "freebsd sys/sys/poll.h")
                .with(SharedFacts::poll)
                .sizeOf("nfds_t", 4)
                .header("sys/select.h",
                        "freebsd sys/sys/select.h (64-bit words), sys/sys/_timeval.h, sys/x86/include/_types.h")
                .constant("FD_SETSIZE", 1024)
                .sizeOf("fd_set", 128)
                .sizeOf("timeval", 16)
                .offset("timeval.tv_sec", 0)
                .offset("timeval.tv_usec", 8)
                .sizeOf("timeval.tv_usec", 8)
                .header("time.h", "freebsd sys/sys/_timespec.h")
                .with(SharedFacts::timespec)
                .header("sys/uio.h", "freebsd sys/sys/_iovec.h")
                .with(SharedFacts::iovec)
                .header("limits.h", "freebsd sys/sys/syslimits.h")
                .constant("IOV_MAX", 1024)
                .header("sys/event.h", "freebsd sys/sys/event.h (FreeBSD 12+ layout with ext[4])")
                .with(SharedFacts::kqueue)
                .constant("EVFILT_USER", -11)
                .sizeOf("kevent", 64)
                .offset("kevent.ext", 32)
                .build();
    }
}
