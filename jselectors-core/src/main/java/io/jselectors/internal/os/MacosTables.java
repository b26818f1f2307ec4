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
                .constant("EPERM", 1)
                .constant("ENOENT", 2)
                .constant("EINTR", 4)
                .constant("EBADF", 9)
                .constant("ENOMEM", 12)
                .constant("EACCES", 13)
                .constant("EFAULT", 14)
                .constant("EEXIST", 17)
                .constant("EINVAL", 22)
                .constant("ENFILE", 23)
                .constant("EMFILE", 24)
                .constant("EPIPE", 32)
                .constant("EAGAIN", 35)
                .constant("EINPROGRESS", 36)
                .constant("EALREADY", 37)
                .constant("ENOTSOCK", 38)
                .constant("ENOPROTOOPT", 42)
                .constant("EAFNOSUPPORT", 47)
                .constant("EADDRINUSE", 48)
                .constant("EADDRNOTAVAIL", 49)
                .constant("ENETUNREACH", 51)
                .constant("ECONNABORTED", 53)
                .constant("ECONNRESET", 54)
                .constant("ENOBUFS", 55)
                .constant("EISCONN", 56)
                .constant("ENOTCONN", 57)
                .constant("ETIMEDOUT", 60)
                .constant("ECONNREFUSED", 61)
                .constant("EHOSTUNREACH", 65)
                .constant("ENOSYS", 78)
                .constant("EOPNOTSUPP", 102)
                .header("fcntl.h", "xnu bsd/sys/fcntl.h")
                .constant("O_NONBLOCK", 0x4)
                .constant("O_CLOEXEC", 0x1000000)
                .constant("F_DUPFD", 0)
                .constant("F_GETFD", 1)
                .constant("F_SETFD", 2)
                .constant("F_GETFL", 3)
                .constant("F_SETFL", 4)
                .constant("F_DUPFD_CLOEXEC", 67)
                .constant("FD_CLOEXEC", 1)
                .header("sys/socket.h", "xnu bsd/sys/socket.h, bsd/sys/_types/_sa_family_t.h, _socklen_t.h")
                .constant("AF_UNIX", 1)
                .constant("AF_INET", 2)
                .constant("AF_INET6", 30)
                .constant("SOCK_STREAM", 1)
                .constant("SOCK_DGRAM", 2)
                .constant("SOL_SOCKET", 0xffff)
                .constant("SO_REUSEADDR", 0x4)
                .constant("SO_KEEPALIVE", 0x8)
                .constant("SO_LINGER", 0x80)
                .constant("SO_REUSEPORT", 0x200)
                .constant("SO_SNDBUF", 0x1001)
                .constant("SO_RCVBUF", 0x1002)
                .constant("SO_ERROR", 0x1007)
                .constant("SO_NOSIGPIPE", 0x1022)
                .constant("SHUT_RD", 0)
                .constant("SHUT_WR", 1)
                .constant("SHUT_RDWR", 2)
                .constant("MSG_DONTWAIT", 0x80)
                .constant("MSG_NOSIGNAL", 0x80000)
                .sizeOf("socklen_t", 4)
                .sizeOf("sa_family_t", 1)
                .sizeOf("sockaddr_storage", 128)
                .sizeOf("linger", 8)
                .offset("linger.l_onoff", 0)
                .offset("linger.l_linger", 4)
                .sizeOf("msghdr", 48)
                .offset("msghdr.msg_name", 0)
                .offset("msghdr.msg_namelen", 8)
                .offset("msghdr.msg_iov", 16)
                .offset("msghdr.msg_iovlen", 24)
                .sizeOf("msghdr.msg_iovlen", 4)
                .offset("msghdr.msg_control", 32)
                .offset("msghdr.msg_controllen", 40)
                .sizeOf("msghdr.msg_controllen", 4)
                .offset("msghdr.msg_flags", 44)
                .header("netinet/in.h", "xnu bsd/netinet/in.h, bsd/netinet6/in6.h")
                .constant("IPPROTO_TCP", 6)
                .constant("IPPROTO_IPV6", 41)
                .constant("IPV6_V6ONLY", 27)
                .sizeOf("sockaddr_in", 16)
                .offset("sockaddr_in.sin_len", 0)
                .offset("sockaddr_in.sin_family", 1)
                .offset("sockaddr_in.sin_port", 2)
                .offset("sockaddr_in.sin_addr", 4)
                .sizeOf("sockaddr_in6", 28)
                .offset("sockaddr_in6.sin6_len", 0)
                .offset("sockaddr_in6.sin6_family", 1)
                .offset("sockaddr_in6.sin6_port", 2)
                .offset("sockaddr_in6.sin6_flowinfo", 4)
                .offset("sockaddr_in6.sin6_addr", 8)
                .offset("sockaddr_in6.sin6_scope_id", 24)
                .header("netinet/tcp.h", "xnu bsd/netinet/tcp.h")
                .constant("TCP_NODELAY", 1)
                .header("sys/un.h", "xnu bsd/sys/un.h")
                .sizeOf("sockaddr_un", 106)
                .offset("sockaddr_un.sun_len", 0)
                .offset("sockaddr_un.sun_family", 1)
                .offset("sockaddr_un.sun_path", 2)
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
