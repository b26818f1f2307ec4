package io.jselectors.internal.os;

import io.jselectors.internal.os.AbiTable.Builder;
import io.jselectors.internal.os.AbiTable.Os;

/**
 * The OS tables of Linux with glibc: profiles {@code linux-x86_64} and {@code linux-aarch64}.
 *
 * <p>Read from glibc's headers and the kernel's UAPI headers ({@code include/uapi/asm-generic/*.h},
 * which both CPUs use for every constant here; arm64's own {@code asm/fcntl.h} changes only
 * {@code O_DIRECTORY}, {@code O_NOFOLLOW}, {@code O_DIRECT} and {@code O_LARGEFILE}, none of which we
 * use). The x86_64 profile is checked against this machine's headers by a gcc-compiled test
 * ({@code LinuxHeadersTest}); aarch64 differs only in {@code struct epoll_event}, which glibc packs on
 * x86_64 alone ({@code __EPOLL_PACKED} in {@code bits/epoll.h}), and is cross-checked against
 * golang.org/x/sys/unix's {@code zerrors_linux_arm64.go}/{@code ztypes_linux_arm64.go}.
 */
final class LinuxTables {
    private LinuxTables() {}

    /** @return the {@code linux-x86_64} table */
    static AbiTable x86_64() {
        return common("linux-x86_64")
                .header("sys/epoll.h", "glibc sysdeps/unix/sysv/linux/x86/bits/epoll.h (__EPOLL_PACKED)")
                .sizeOf("epoll_event", 12)
                .offset("epoll_event.data", 4)
                .header("sys/syscall.h", "linux arch/x86/include/generated/uapi/asm/unistd_64.h")
                .constant("SYS_writev", 20)
                .constant("SYS_sendmsg", 46)
                .build();
    }

    /** @return the {@code linux-aarch64} table */
    static AbiTable aarch64() {
        return common("linux-aarch64")
                .header("sys/epoll.h", "glibc sysdeps/unix/sysv/linux/sys/epoll.h (not packed on aarch64)")
                .sizeOf("epoll_event", 16)
                .offset("epoll_event.data", 8)
                .header("sys/syscall.h", "linux include/uapi/asm-generic/unistd.h")
                .constant("SYS_writev", 66)
                .constant("SYS_sendmsg", 211)
                .build();
    }

    private static Builder common(String profile) {
        return AbiTable.builder(profile, Os.LINUX)
                .functions("accept4", "pipe2", "eventfd", "epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait2",
                        "strerrorname_np", "strerrordesc_np", "__xpg_strerror_r",
                        "posix_openpt", "grantpt", "unlockpt", "ptsname_r")
                .header("errno.h", "linux include/uapi/asm-generic/errno-base.h, errno.h")
                .constant("EPERM", 1)
                .constant("ENOENT", 2)
                .constant("EINTR", 4)
                .constant("EBADF", 9)
                .constant("EAGAIN", 11)
                .constant("ENOMEM", 12)
                .constant("EACCES", 13)
                .constant("EFAULT", 14)
                .constant("EEXIST", 17)
                .constant("EINVAL", 22)
                .constant("ENFILE", 23)
                .constant("EMFILE", 24)
                .constant("EPIPE", 32)
                .constant("ENOSYS", 38)
                .constant("ENOTSOCK", 88)
                .constant("ENOPROTOOPT", 92)
                .constant("EOPNOTSUPP", 95)
                .constant("EAFNOSUPPORT", 97)
                .constant("EADDRINUSE", 98)
                .constant("EADDRNOTAVAIL", 99)
                .constant("ENETUNREACH", 101)
                .constant("ECONNABORTED", 103)
                .constant("ECONNRESET", 104)
                .constant("ENOBUFS", 105)
                .constant("EISCONN", 106)
                .constant("ENOTCONN", 107)
                .constant("ETIMEDOUT", 110)
                .constant("ECONNREFUSED", 111)
                .constant("EHOSTUNREACH", 113)
                .constant("EALREADY", 114)
                .constant("EINPROGRESS", 115)
                .header("fcntl.h", "linux include/uapi/asm-generic/fcntl.h")
                .constant("O_NONBLOCK", 0x800)
                .constant("O_CLOEXEC", 0x80000)
                .constant("O_RDWR", 2)
                .constant("O_NOCTTY", 0x100)
                .constant("F_DUPFD", 0)
                .constant("F_GETFD", 1)
                .constant("F_SETFD", 2)
                .constant("F_GETFL", 3)
                .constant("F_SETFL", 4)
                .constant("F_DUPFD_CLOEXEC", 1030)
                .constant("FD_CLOEXEC", 1)
                .header("sys/socket.h",
                        "glibc bits/socket.h, bits/socket_type.h; linux include/uapi/asm-generic/socket.h")
                .constant("AF_UNIX", 1)
                .constant("AF_INET", 2)
                .constant("AF_INET6", 10)
                .constant("SOCK_STREAM", 1)
                .constant("SOCK_DGRAM", 2)
                .constant("SOCK_NONBLOCK", 0x800)
                .constant("SOCK_CLOEXEC", 0x80000)
                .constant("SOL_SOCKET", 1)
                .constant("SO_REUSEADDR", 2)
                .constant("SO_ERROR", 4)
                .constant("SO_SNDBUF", 7)
                .constant("SO_RCVBUF", 8)
                .constant("SO_KEEPALIVE", 9)
                .constant("SO_LINGER", 13)
                .constant("SO_REUSEPORT", 15)
                .constant("SHUT_RD", 0)
                .constant("SHUT_WR", 1)
                .constant("SHUT_RDWR", 2)
                .constant("MSG_DONTWAIT", 0x40)
                .constant("MSG_NOSIGNAL", 0x4000)
                .sizeOf("socklen_t", 4)
                .sizeOf("sa_family_t", 2)
                .sizeOf("sockaddr_storage", 128)
                .sizeOf("linger", 8)
                .offset("linger.l_onoff", 0)
                .offset("linger.l_linger", 4)
                .sizeOf("msghdr", 56)
                .offset("msghdr.msg_name", 0)
                .offset("msghdr.msg_namelen", 8)
                .offset("msghdr.msg_iov", 16)
                .offset("msghdr.msg_iovlen", 24)
                .sizeOf("msghdr.msg_iovlen", 8)
                .offset("msghdr.msg_control", 32)
                .offset("msghdr.msg_controllen", 40)
                .sizeOf("msghdr.msg_controllen", 8)
                .offset("msghdr.msg_flags", 48)
                .header("netinet/in.h", "glibc inet/netinet/in.h")
                .constant("IPPROTO_TCP", 6)
                .constant("IPPROTO_IPV6", 41)
                .constant("IPV6_V6ONLY", 26)
                .sizeOf("sockaddr_in", 16)
                .offset("sockaddr_in.sin_family", 0)
                .offset("sockaddr_in.sin_port", 2)
                .offset("sockaddr_in.sin_addr", 4)
                .sizeOf("sockaddr_in6", 28)
                .offset("sockaddr_in6.sin6_family", 0)
                .offset("sockaddr_in6.sin6_port", 2)
                .offset("sockaddr_in6.sin6_flowinfo", 4)
                .offset("sockaddr_in6.sin6_addr", 8)
                .offset("sockaddr_in6.sin6_scope_id", 24)
                .header("netinet/tcp.h", "glibc sysdeps/gnu/netinet/tcp.h")
                .constant("TCP_NODELAY", 1)
                .header("sys/un.h", "glibc socket/sys/un.h")
                .sizeOf("sockaddr_un", 110)
                .offset("sockaddr_un.sun_family", 0)
                .offset("sockaddr_un.sun_path", 2)
                .header("poll.h", "linux include/uapi/asm-generic/poll.h; glibc io/sys/poll.h")
                .with(SharedFacts::poll)
                .sizeOf("nfds_t", 8)
                .header("sys/select.h", "glibc misc/sys/select.h, bits/types/struct_timeval.h")
                .constant("FD_SETSIZE", 1024)
                .sizeOf("fd_set", 128)
                .sizeOf("timeval", 16)
                .offset("timeval.tv_sec", 0)
                .offset("timeval.tv_usec", 8)
                .sizeOf("timeval.tv_usec", 8)
                .header("time.h", "glibc time/bits/types/struct_timespec.h")
                .with(SharedFacts::timespec)
                .header("sys/uio.h", "glibc misc/bits/types/struct_iovec.h")
                .with(SharedFacts::iovec)
                .header("limits.h", "glibc bits/uio_lim.h (__IOV_MAX), bits/xopen_lim.h")
                .constant("IOV_MAX", 1024)
                .header("sys/eventfd.h", "glibc sysdeps/unix/sysv/linux/sys/eventfd.h, bits/eventfd.h")
                .constant("EFD_SEMAPHORE", 1)
                .constant("EFD_NONBLOCK", 0x800)
                .constant("EFD_CLOEXEC", 0x80000)
                .header("sys/epoll.h", "glibc sysdeps/unix/sysv/linux/sys/epoll.h, bits/epoll.h")
                .constant("EPOLLIN", 0x001)
                .constant("EPOLLPRI", 0x002)
                .constant("EPOLLOUT", 0x004)
                .constant("EPOLLERR", 0x008)
                .constant("EPOLLHUP", 0x010)
                .constant("EPOLLRDHUP", 0x2000)
                .constant("EPOLLET", 1L << 31)
                .constant("EPOLL_CTL_ADD", 1)
                .constant("EPOLL_CTL_DEL", 2)
                .constant("EPOLL_CTL_MOD", 3)
                .constant("EPOLL_CLOEXEC", 0x80000);
    }
}
