package io.jselectors.internal.os;

import io.jselectors.internal.os.AbiTable.Os;

/**
 * The OS tables of macOS: profiles {@code macos-x86_64} and {@code macos-aarch64}, identical for every
 * fact here (both LP64, same headers).
 *
 * <p>Read from xnu (github apple-oss-distributions/xnu, tag xnu-11417.101.15, 2025-05-01), the paths
 * named per group, and cross-checked against golang.org/x/sys/unix's {@code zerrors_darwin_amd64.go},
 * {@code zerrors_darwin_arm64.go} and {@code ztypes_darwin_*.go} (generated on Macs). Never run on a Mac
 * here. What macOS lacks and the bindings work around: {@code SOCK_NONBLOCK}/{@code SOCK_CLOEXEC},
 * {@code accept4}, {@code pipe2}, {@code eventfd}, epoll. Where xnu's headers define a value in two ways,
 * the one a user program compiled with the default flags (no {@code _POSIX_C_SOURCE}, 64-bit, so
 * {@code __DARWIN_UNIX03}) sees is the one here: {@code SO_LINGER} 0x80, {@code EOPNOTSUPP} 102.
 */
final class MacosTables {
    private MacosTables() {}

    /** @return the {@code macos-x86_64} table */
    static AbiTable x86_64() {
        return macos("macos-x86_64");
    }

    /** @return the {@code macos-aarch64} table */
    static AbiTable aarch64() {
        return macos("macos-aarch64");
    }

    private static AbiTable macos(String profile) {
        return AbiTable.builder(profile, Os.MACOS)
                .functions("kqueue", "kevent", "strerror_r")
                .header("errno.h", "xnu bsd/sys/errno.h")
                .with(SharedFacts::bsdErrno)
                .constant("EOPNOTSUPP", 102)
                .header("fcntl.h", "xnu bsd/sys/fcntl.h")
                .with(SharedFacts::bsdFcntl)
                .constant("O_CLOEXEC", 0x1000000)
                .constant("O_NOCTTY", 0x20000)
                .constant("F_DUPFD_CLOEXEC", 67)
                .header("sys/socket.h", "xnu bsd/sys/socket.h, bsd/sys/_types/_sa_family_t.h, _socklen_t.h")
                .with(SharedFacts::bsdSocket)
                .constant("AF_INET6", 30)
                .constant("SO_NOSIGPIPE", 0x1022)
                .constant("MSG_NOSIGNAL", 0x80000)
                .header("netinet/in.h", "xnu bsd/netinet/in.h, bsd/netinet6/in6.h")
                .with(SharedFacts::bsdInet)
                .header("netinet/tcp.h", "xnu bsd/netinet/tcp.h")
                .constant("TCP_NODELAY", 1)
                // macOS names the keep-alive idle time TCP_KEEPALIVE (seconds); it has no TCP_KEEPIDLE.
                .constant("TCP_KEEPALIVE", 0x10)
                .constant("TCP_KEEPINTVL", 0x101)
                .constant("TCP_KEEPCNT", 0x102)
                .header("sys/un.h", "xnu bsd/sys/un.h")
                .with(SharedFacts::bsdUnix)
                .header("poll.h", "xnu bsd/sys/poll.h")
                .with(SharedFacts::poll)
                .sizeOf("nfds_t", 4)
                .header("sys/select.h", "xnu bsd/sys/_types/_fd_def.h (32-bit words), _timeval.h; bsd/sys/_types.h")
                .constant("FD_SETSIZE", 1024)
                .sizeOf("fd_set", 128)
                .sizeOf("timeval", 16)
                .offset("timeval.tv_sec", 0)
                .offset("timeval.tv_usec", 8)
                .sizeOf("timeval.tv_usec", 4)
                .header("time.h", "xnu bsd/sys/_types/_timespec.h")
                .with(SharedFacts::timespec)
                .header("sys/uio.h", "xnu bsd/sys/_types/_iovec_t.h")
                .with(SharedFacts::iovec)
                // IOV_MAX is in Apple Libc's <limits.h>, not in xnu; the kernel's own limit is the same
                // number, UIO_MAXIOV in xnu bsd/sys/uio.h (kernel-only).
                .header("limits.h", "Apple Libc include/limits.h; xnu bsd/sys/uio.h UIO_MAXIOV")
                .constant("IOV_MAX", 1024)
                .header("sys/event.h", "xnu bsd/sys/event.h (#pragma pack(4), LP64)")
                .with(SharedFacts::kqueue)
                .constant("EVFILT_USER", -10)
                .sizeOf("kevent", 32)
                .build();
    }
}
