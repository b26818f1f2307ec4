package io.jselectors.internal.os;

import io.jselectors.internal.os.AbiTable.Builder;

/**
 * Groups of facts whose values are the same in every profile that has them, each read from every
 * platform's own header (the profile's {@code header(...)} call before names the file). Written once so
 * that a correction reaches every table; a value that differs anywhere belongs in the profile instead.
 */
final class SharedFacts {
    private SharedFacts() {}

    /** {@code POLL*} and {@code struct pollfd}: the same on Linux, macOS and FreeBSD ({@code nfds_t} is not). */
    static void poll(Builder b) {
        b.constant("POLLIN", 0x1)
                .constant("POLLPRI", 0x2)
                .constant("POLLOUT", 0x4)
                .constant("POLLERR", 0x8)
                .constant("POLLHUP", 0x10)
                .constant("POLLNVAL", 0x20)
                .sizeOf("pollfd", 8)
                .offset("pollfd.fd", 0)
                .offset("pollfd.events", 4)
                .offset("pollfd.revents", 6);
    }

    /** {@code struct timespec} on LP64: {@code time_t tv_sec; long tv_nsec;}. */
    static void timespec(Builder b) {
        b.sizeOf("timespec", 16).offset("timespec.tv_sec", 0).offset("timespec.tv_nsec", 8);
    }

    /** {@code struct iovec} on LP64: {@code void *iov_base; size_t iov_len;}. */
    static void iovec(Builder b) {
        b.sizeOf("iovec", 16).offset("iovec.iov_base", 0).offset("iovec.iov_len", 8);
    }

    /**
     * The kqueue flags the BSDs and libkqueue share, and the fields of {@code struct kevent} up to
     * {@code udata}, at the same offsets in the 32-byte (macOS, libkqueue) and 64-byte (FreeBSD 12+) layouts.
     * {@code EVFILT_USER}, the size and FreeBSD's {@code ext} differ: the profile adds them.
     */
    static void kqueue(Builder b) {
        b.constant("EVFILT_READ", -1)
                .constant("EVFILT_WRITE", -2)
                .constant("EV_ADD", 0x1)
                .constant("EV_DELETE", 0x2)
                .constant("EV_ENABLE", 0x4)
                .constant("EV_DISABLE", 0x8)
                .constant("EV_ONESHOT", 0x10)
                .constant("EV_CLEAR", 0x20)
                .constant("EV_RECEIPT", 0x40)
                .constant("EV_DISPATCH", 0x80)
                .constant("EV_ERROR", 0x4000)
                .constant("EV_EOF", 0x8000)
                .constant("NOTE_FFNOP", 0)
                .constant("NOTE_FFAND", 0x40000000L)
                .constant("NOTE_FFOR", 0x80000000L)
                .constant("NOTE_FFCOPY", 0xc0000000L)
                .constant("NOTE_FFCTRLMASK", 0xc0000000L)
                .constant("NOTE_FFLAGSMASK", 0x00ffffffL)
                .constant("NOTE_TRIGGER", 0x01000000L)
                .offset("kevent.ident", 0)
                .offset("kevent.filter", 8)
                .offset("kevent.flags", 10)
                .offset("kevent.fflags", 12)
                .offset("kevent.data", 16)
                .offset("kevent.udata", 24);
    }

    /**
     * macOS and FreeBSD: errno values both BSDs inherited from 4.4BSD (all but {@code EOPNOTSUPP}).
     */
    static void bsdErrno(Builder b) {
        b.constant("EPERM", 1)
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
                .constant("EMSGSIZE", 40)
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
                .constant("ENOSYS", 78);
    }

    /**
     * macOS and FreeBSD: {@code fcntl} commands, {@code O_NONBLOCK} and {@code O_RDWR} ({@code O_CLOEXEC},
     * {@code O_NOCTTY} and {@code F_DUPFD_CLOEXEC} differ).
     */
    static void bsdFcntl(Builder b) {
        b.constant("O_NONBLOCK", 0x4)
                .constant("O_RDWR", 2)
                .constant("F_DUPFD", 0)
                .constant("F_GETFD", 1)
                .constant("F_SETFD", 2)
                .constant("F_GETFL", 3)
                .constant("F_SETFL", 4)
                .constant("FD_CLOEXEC", 1);
    }

    /**
     * macOS and FreeBSD: socket constants and structs of 4.4BSD (not {@code AF_INET6}, {@code SO_NOSIGPIPE}, {@code
     * MSG_NOSIGNAL}, the {@code SOCK_} flags).
     */
    static void bsdSocket(Builder b) {
        b.constant("AF_UNSPEC", 0)
                .constant("AF_UNIX", 1)
                .constant("AF_INET", 2)
                .constant("SOCK_STREAM", 1)
                .constant("SOCK_DGRAM", 2)
                .constant("SOL_SOCKET", 0xffff)
                .constant("SO_REUSEADDR", 0x4)
                .constant("SO_KEEPALIVE", 0x8)
                .constant("SO_BROADCAST", 0x20)
                .constant("SO_LINGER", 0x80)
                .constant("SO_REUSEPORT", 0x200)
                .constant("SO_SNDBUF", 0x1001)
                .constant("SO_RCVBUF", 0x1002)
                .constant("SO_ERROR", 0x1007)
                .constant("SHUT_RD", 0)
                .constant("SHUT_WR", 1)
                .constant("SHUT_RDWR", 2)
                .constant("MSG_TRUNC", 0x10)
                .constant("MSG_DONTWAIT", 0x80)
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
                .offset("msghdr.msg_flags", 44);
    }

    /**
     * macOS and FreeBSD: {@code <netinet/in.h>}: IPv4/IPv6 levels and options, and sockaddrs with {@code sin_len}
     * and a one-byte family.
     */
    static void bsdInet(Builder b) {
        b.constant("IPPROTO_TCP", 6)
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
                .offset("sockaddr_in6.sin6_scope_id", 24);
    }

    /**
     * macOS and FreeBSD: {@code struct sockaddr_un} with {@code sun_len} and a 104-byte path.
     */
    static void bsdUnix(Builder b) {
        b.sizeOf("sockaddr_un", 106)
                .offset("sockaddr_un.sun_len", 0)
                .offset("sockaddr_un.sun_family", 1)
                .offset("sockaddr_un.sun_path", 2);
    }
}
