package io.jselectors.internal.os;

import static io.jselectors.internal.os.Native.C_INT;
import static io.jselectors.internal.os.Native.C_POINTER;
import static io.jselectors.internal.os.Native.C_SIZE_T;

import io.jselectors.ErrnoException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * BSD sockets from {@code <sys/socket.h>}, {@code <netinet/in.h>} and {@code <netinet/tcp.h>}:
 * constants, {@code struct msghdr} and {@code struct linger}, and the downcalls.
 *
 * <p>The values are Linux's (checked against this machine's headers with a C program): {@code accept4}
 * and {@code MSG_NOSIGNAL} are Linux calls. Calls whose failure the caller turns into its own message
 * (bind, connect, getpeername) come in a {@code Raw} form returning 0 or the errno; the others throw
 * {@link ErrnoException} naming the call and the fd. EINTR is retried everywhere except connect, where
 * the connection goes on in the background exactly as for EINPROGRESS.
 */
public final class Sockets {
    /** Unix domain sockets. */
    public static final int AF_UNIX = 1;
    /** IPv4. */
    public static final int AF_INET = 2;
    /** IPv6. */
    public static final int AF_INET6 = 10;
    /** Stream sockets. */
    public static final int SOCK_STREAM = 1;
    /** Datagram sockets. */
    public static final int SOCK_DGRAM = 2;
    /** socket()/socketpair()/accept4() type flag: non-blocking. */
    public static final int SOCK_NONBLOCK = 0x800;
    /** socket()/socketpair()/accept4() type flag: close on exec. */
    public static final int SOCK_CLOEXEC = 0x80000;

    /** Option level of the socket itself. */
    public static final int SOL_SOCKET = 1;
    /** Allow binding a port with connections in TIME_WAIT. */
    public static final int SO_REUSEADDR = 2;
    /** Read (and clear) the pending error, e.g. of a non-blocking connect. */
    public static final int SO_ERROR = 4;
    /** Send buffer size (the kernel doubles what is set). */
    public static final int SO_SNDBUF = 7;
    /** Receive buffer size (the kernel doubles what is set). */
    public static final int SO_RCVBUF = 8;
    /** TCP keep-alive probes. */
    public static final int SO_KEEPALIVE = 9;
    /** Linger on close; {l_onoff=1, l_linger=0} makes close send a reset. */
    public static final int SO_LINGER = 13;
    /** Let several sockets bind the same address and port; the kernel spreads connections. */
    public static final int SO_REUSEPORT = 15;
    /** Option level of TCP. */
    public static final int IPPROTO_TCP = 6;
    /** Option level of IPv6. */
    public static final int IPPROTO_IPV6 = 41;
    /** Disable Nagle's algorithm. */
    public static final int TCP_NODELAY = 1;
    /** An IPv6 socket accepts IPv6 only (no IPv4-mapped peers). */
    public static final int IPV6_V6ONLY = 26;

    /** shutdown(): no more receptions. */
    public static final int SHUT_RD = 0;
    /** shutdown(): no more transmissions (the peer reads end of file). */
    public static final int SHUT_WR = 1;
    /** shutdown(): both. */
    public static final int SHUT_RDWR = 2;

    /** send()/sendmsg() flag: report EPIPE without raising SIGPIPE. */
    public static final int MSG_NOSIGNAL = 0x4000;
    /** send()/recv() flag: do not block this once. */
    public static final int MSG_DONTWAIT = 0x40;

    /** Connection in progress (non-blocking connect). */
    public static final int EINPROGRESS = 115;
    /** A previous connect on this socket is still in progress. */
    public static final int EALREADY = 114;
    /** The socket is already connected. */
    public static final int EISCONN = 106;
    /** The socket is not connected. */
    public static final int ENOTCONN = 107;
    /** The connection was aborted before accept took it. */
    public static final int ECONNABORTED = 103;
    /** Nobody listens at the address. */
    public static final int ECONNREFUSED = 111;
    /** The peer reset the connection. */
    public static final int ECONNRESET = 104;
    /** The address is already bound. */
    public static final int EADDRINUSE = 98;
    /** Operation not supported on this kind of socket. */
    public static final int EOPNOTSUPP = 95;
    /** Protocol not available (e.g. a TCP option on a Unix socket). */
    public static final int ENOPROTOOPT = 92;

    /** {@code struct linger}: two C ints. */
    public static final StructLayout LINGER =
            MemoryLayout.structLayout(C_INT.withName("l_onoff"), C_INT.withName("l_linger"));

    /** {@code struct msghdr} (LP64). */
    public static final StructLayout MSGHDR = MemoryLayout.structLayout(
            C_POINTER.withName("msg_name"),
            C_INT.withName("msg_namelen"),
            MemoryLayout.paddingLayout(4),
            C_POINTER.withName("msg_iov"),
            C_SIZE_T.withName("msg_iovlen"),
            C_POINTER.withName("msg_control"),
            C_SIZE_T.withName("msg_controllen"),
            C_INT.withName("msg_flags"),
            MemoryLayout.paddingLayout(4));
    /** Offset of {@code msg_iov} in {@link #MSGHDR}. */
    public static final long MSG_IOV_OFFSET = MSGHDR.byteOffset(MemoryLayout.PathElement.groupElement("msg_iov"));
    /** Offset of {@code msg_iovlen} in {@link #MSGHDR}. */
    public static final long MSG_IOVLEN_OFFSET =
            MSGHDR.byteOffset(MemoryLayout.PathElement.groupElement("msg_iovlen"));

    private static final MethodHandle SOCKETPAIR =
            Native.downcall("socketpair", FunctionDescriptor.of(C_INT, C_INT, C_INT, C_INT, C_POINTER));
    private static final MethodHandle SOCKET =
            Native.downcall("socket", FunctionDescriptor.of(C_INT, C_INT, C_INT, C_INT));
    private static final MethodHandle BIND =
            Native.downcall("bind", FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_INT));
    private static final MethodHandle LISTEN = Native.downcall("listen", FunctionDescriptor.of(C_INT, C_INT, C_INT));
    private static final MethodHandle ACCEPT4 =
            Native.downcall("accept4", FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER, C_INT));
    private static final MethodHandle CONNECT =
            Native.downcall("connect", FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_INT));
    private static final MethodHandle GETSOCKNAME =
            Native.downcall("getsockname", FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER));
    private static final MethodHandle GETPEERNAME =
            Native.downcall("getpeername", FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER));
    private static final MethodHandle SETSOCKOPT =
            Native.downcall("setsockopt", FunctionDescriptor.of(C_INT, C_INT, C_INT, C_INT, C_POINTER, C_INT));
    private static final MethodHandle GETSOCKOPT =
            Native.downcall("getsockopt", FunctionDescriptor.of(C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER));
    private static final MethodHandle SHUTDOWN =
            Native.downcall("shutdown", FunctionDescriptor.of(C_INT, C_INT, C_INT));
    private static final MethodHandle SEND =
            Native.downcall("send", FunctionDescriptor.of(C_SIZE_T, C_INT, C_POINTER, C_SIZE_T, C_INT));
    private static final MethodHandle RECV =
            Native.downcall("recv", FunctionDescriptor.of(C_SIZE_T, C_INT, C_POINTER, C_SIZE_T, C_INT));
    private static final MethodHandle SENDMSG =
            Native.downcall("sendmsg", FunctionDescriptor.of(C_SIZE_T, C_INT, C_POINTER, C_INT));

    private Sockets() {}

    /**
     * Creates a pair of connected sockets.
     *
     * @param domain   {@link #AF_UNIX}
     * @param type     {@link #SOCK_STREAM} or {@link #SOCK_DGRAM}, with {@link #SOCK_NONBLOCK}/{@link #SOCK_CLOEXEC}
     * @param protocol 0
     * @param fds      two C ints receiving the descriptors
     * @throws ErrnoException on EMFILE, ENFILE, ...
     */
    public static void socketpair(int domain, int type, int protocol, MemorySegment fds) throws ErrnoException {
        if (fds.byteSize() < 2 * C_INT.byteSize()) {
            throw new IllegalArgumentException("socketpair needs room for two ints, got " + fds.byteSize() + " bytes");
        }
        MemorySegment st = Native.errnoState();
        int r;
        try {
            r = (int) SOCKETPAIR.invokeExact(st, domain, type, protocol, fds);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        if (r < 0) {
            throw Native.error("socketpair(domain=" + domain + ", type=0x" + Integer.toHexString(type) + ")", st);
        }
    }

    /**
     * Creates a socket.
     *
     * @param domain   {@link #AF_INET}, {@link #AF_INET6} or {@link #AF_UNIX}
     * @param type     {@link #SOCK_STREAM} with {@link #SOCK_NONBLOCK}/{@link #SOCK_CLOEXEC}
     * @param protocol 0
     * @return the descriptor
     * @throws ErrnoException on EMFILE, ENFILE, EAFNOSUPPORT, ...
     */
    public static int socket(int domain, int type, int protocol) throws ErrnoException {
        MemorySegment st = Native.errnoState();
        int fd;
        try {
            fd = (int) SOCKET.invokeExact(st, domain, type, protocol);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        if (fd < 0) {
            throw Native.error("socket(domain=" + domain + ", type=0x" + Integer.toHexString(type) + ")", st);
        }
        return fd;
    }

    /**
     * Binds a socket to an address.
     *
     * @param fd   the socket
     * @param addr the socket address (see {@link SockAddr})
     * @param len  its length in bytes, at most {@code addr.byteSize()}
     * @return 0, or the errno (EADDRINUSE, EACCES, EADDRNOTAVAIL, ...)
     */
    public static int bindRaw(int fd, MemorySegment addr, int len) {
        checkLength(addr, len);
        MemorySegment st = Native.errnoState();
        int r;
        try {
            r = (int) BIND.invokeExact(st, fd, addr, len);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        return r < 0 ? Native.errno(st) : 0;
    }

    /**
     * Marks a socket as listening.
     *
     * @param fd      the bound socket
     * @param backlog the queue length of completed connections (capped by {@code net.core.somaxconn})
     * @throws ErrnoException on failure
     */
    public static void listen(int fd, int backlog) throws ErrnoException {
        MemorySegment st = Native.errnoState();
        int r;
        try {
            r = (int) LISTEN.invokeExact(st, fd, backlog);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        if (r < 0) {
            throw Native.error("listen", fd, st);
        }
    }

    /**
     * Accepts a connection without asking for the peer's address. EINTR and ECONNABORTED (the peer gave
     * up before we took it) are retried.
     *
     * @param fd    the listening socket
     * @param flags {@link #SOCK_NONBLOCK}/{@link #SOCK_CLOEXEC} for the new socket
     * @return the new descriptor, or {@link Unistd#WOULD_BLOCK} (-1) when no connection is pending
     * @throws ErrnoException on EMFILE, ENFILE, ENOBUFS, EBADF, ...
     */
    public static int accept4(int fd, int flags) throws ErrnoException {
        MemorySegment st = Native.errnoState();
        while (true) {
            int r;
            try {
                r = (int) ACCEPT4.invokeExact(st, fd, MemorySegment.NULL, MemorySegment.NULL, flags);
            } catch (Throwable t) {
                throw Native.linkageFailure(t);
            }
            if (r >= 0) {
                return r;
            }
            int e = Native.errno(st);
            if (e == Errno.EAGAIN) {
                return (int) Unistd.WOULD_BLOCK;
            }
            if (e != Errno.EINTR && e != ECONNABORTED) {
                throw Native.error("accept4", fd, st);
            }
        }
    }

    /**
     * Starts connecting a socket. EINTR is reported as EINPROGRESS: the connection continues.
     *
     * @param fd   the socket
     * @param addr the peer's address
     * @param len  its length in bytes
     * @return 0 when connected at once, else the errno ({@link #EINPROGRESS}, {@link #ECONNREFUSED}, ...)
     */
    public static int connectRaw(int fd, MemorySegment addr, int len) {
        checkLength(addr, len);
        MemorySegment st = Native.errnoState();
        int r;
        try {
            r = (int) CONNECT.invokeExact(st, fd, addr, len);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        if (r == 0) {
            return 0;
        }
        int e = Native.errno(st);
        return e == Errno.EINTR ? EINPROGRESS : e;
    }

    /**
     * Reads the socket's own address.
     *
     * @param fd     the socket
     * @param addr   receives the address
     * @param lenOut one C int: in, ignored (set from {@code addr.byteSize()}); out, the address length
     * @throws ErrnoException on failure
     */
    public static void getsockname(int fd, MemorySegment addr, MemorySegment lenOut) throws ErrnoException {
        int e = nameRaw(GETSOCKNAME, fd, addr, lenOut);
        if (e != 0) {
            throw Errno.exception("getsockname(fd=" + fd + ")", e);
        }
    }

    /**
     * Reads the peer's address.
     *
     * @param fd     the socket
     * @param addr   receives the address
     * @param lenOut one C int: out, the address length
     * @return 0, or the errno ({@link #ENOTCONN} while a connect is in progress or after it failed)
     */
    public static int getpeernameRaw(int fd, MemorySegment addr, MemorySegment lenOut) {
        return nameRaw(GETPEERNAME, fd, addr, lenOut);
    }

    private static int nameRaw(MethodHandle h, int fd, MemorySegment addr, MemorySegment lenOut) {
        if (lenOut.byteSize() < C_INT.byteSize()) {
            throw new IllegalArgumentException("socklen_t needs 4 bytes, got " + lenOut.byteSize());
        }
        lenOut.set(C_INT, 0, (int) Math.min(addr.byteSize(), Integer.MAX_VALUE));
        MemorySegment st = Native.errnoState();
        int r;
        try {
            r = (int) h.invokeExact(st, fd, addr, lenOut);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        return r < 0 ? Native.errno(st) : 0;
    }

    /**
     * Sets an int-valued option.
     *
     * @param fd      the socket
     * @param level   {@link #SOL_SOCKET}, {@link #IPPROTO_TCP}, {@link #IPPROTO_IPV6}
     * @param option  e.g. {@link #SO_REUSEADDR}
     * @param value   the value
     * @param scratch at least 4 bytes of native memory for the value
     * @return 0, or the errno
     */
    public static int setsockoptIntRaw(int fd, int level, int option, int value, MemorySegment scratch) {
        scratch.set(C_INT, 0, value);
        return setsockoptRaw(fd, level, option, scratch.asSlice(0, C_INT.byteSize()));
    }

    /**
     * Sets an option from a buffer (e.g. {@link #LINGER}).
     *
     * @param fd     the socket
     * @param level  the level
     * @param option the option
     * @param value  the value; its size is passed as optlen
     * @return 0, or the errno
     */
    public static int setsockoptRaw(int fd, int level, int option, MemorySegment value) {
        MemorySegment st = Native.errnoState();
        int r;
        try {
            r = (int) SETSOCKOPT.invokeExact(st, fd, level, option, value, (int) value.byteSize());
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        return r < 0 ? Native.errno(st) : 0;
    }

    /**
     * Reads an int-valued option.
     *
     * @param fd      the socket
     * @param level   the level
     * @param option  the option
     * @param scratch at least 8 bytes of native memory: the value, then its length
     * @return the value
     * @throws ErrnoException on failure
     */
    public static int getsockoptInt(int fd, int level, int option, MemorySegment scratch) throws ErrnoException {
        MemorySegment value = scratch.asSlice(0, 4);
        MemorySegment len = scratch.asSlice(4, 4);
        len.set(C_INT, 0, 4);
        MemorySegment st = Native.errnoState();
        int r;
        try {
            r = (int) GETSOCKOPT.invokeExact(st, fd, level, option, value, len);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        if (r < 0) {
            throw Native.error("getsockopt(fd=" + fd + ", level=" + level + ", option=" + option + ")", st);
        }
        return value.get(C_INT, 0);
    }

    /**
     * Shuts down one or both halves of a connection.
     *
     * @param fd  the socket
     * @param how {@link #SHUT_RD}, {@link #SHUT_WR} or {@link #SHUT_RDWR}
     * @return 0, or the errno ({@link #ENOTCONN} when not connected)
     */
    public static int shutdownRaw(int fd, int how) {
        MemorySegment st = Native.errnoState();
        int r;
        try {
            r = (int) SHUTDOWN.invokeExact(st, fd, how);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        return r < 0 ? Native.errno(st) : 0;
    }

    /**
     * Sends up to {@code buf.byteSize()} bytes. EINTR is retried.
     *
     * @param fd    the socket
     * @param buf   the bytes (native memory)
     * @param flags {@link #MSG_NOSIGNAL}, ...
     * @return the count sent, or {@link Unistd#WOULD_BLOCK}
     * @throws ErrnoException on EPIPE, ECONNRESET, ...
     */
    public static long send(int fd, MemorySegment buf, int flags) throws ErrnoException {
        MemorySegment st = Native.errnoState();
        long r;
        do {
            long n;
            try {
                n = (long) SEND.invokeExact(st, fd, buf, buf.byteSize(), flags);
            } catch (Throwable t) {
                throw Native.linkageFailure(t);
            }
            r = Native.ioResult(n, "send", fd, st);
        } while (r == Native.RETRY);
        return r;
    }

    /**
     * Receives up to {@code buf.byteSize()} bytes. EINTR is retried.
     *
     * @param fd    the socket
     * @param buf   where the bytes land (native memory)
     * @param flags 0, {@link #MSG_DONTWAIT}, ...
     * @return the count received (0 at end of stream), or {@link Unistd#WOULD_BLOCK}
     * @throws ErrnoException on ECONNRESET, ...
     */
    public static long recv(int fd, MemorySegment buf, int flags) throws ErrnoException {
        MemorySegment st = Native.errnoState();
        long r;
        do {
            long n;
            try {
                n = (long) RECV.invokeExact(st, fd, buf, buf.byteSize(), flags);
            } catch (Throwable t) {
                throw Native.linkageFailure(t);
            }
            r = Native.ioResult(n, "recv", fd, st);
        } while (r == Native.RETRY);
        return r;
    }

    /**
     * Sends the buffers a {@code struct msghdr} points at. EINTR is retried.
     *
     * @param fd     the socket
     * @param msghdr a {@link #MSGHDR} whose iovecs point at live native memory
     * @param flags  {@link #MSG_NOSIGNAL}, ...
     * @return the count sent, or {@link Unistd#WOULD_BLOCK}
     * @throws ErrnoException on EPIPE, ECONNRESET, ...
     */
    public static long sendmsg(int fd, MemorySegment msghdr, int flags) throws ErrnoException {
        if (msghdr.byteSize() < MSGHDR.byteSize()) {
            throw new IllegalArgumentException("struct msghdr needs " + MSGHDR.byteSize() + " bytes");
        }
        MemorySegment st = Native.errnoState();
        long r;
        do {
            long n;
            try {
                n = (long) SENDMSG.invokeExact(st, fd, msghdr, flags);
            } catch (Throwable t) {
                throw Native.linkageFailure(t);
            }
            r = Native.ioResult(n, "sendmsg", fd, st);
        } while (r == Native.RETRY);
        return r;
    }

    private static void checkLength(MemorySegment addr, int len) {
        if (len < 0 || len > addr.byteSize()) {
            throw new IllegalArgumentException("address length " + len + " outside its " + addr.byteSize() + "-byte buffer");
        }
    }
}
