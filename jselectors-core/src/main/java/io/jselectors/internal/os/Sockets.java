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
import java.lang.invoke.MethodHandles;

/**
 * BSD sockets from {@code <sys/socket.h>}, {@code <netinet/in.h>} and {@code <netinet/tcp.h>}:
 * constants, {@code struct msghdr} and {@code struct linger}, and the downcalls. Values from
 * {@link Abi#CURRENT}.
 *
 * <p>Calls whose failure the caller turns into its own message (bind, connect, getpeername) come in a
 * {@code Raw} form returning 0 or the errno; the others throw {@link ErrnoException} naming the call and
 * the fd. EINTR is retried everywhere except connect, where the connection goes on in the background
 * exactly as for EINPROGRESS.
 *
 * <p>Platform differences handled here: macOS has neither the {@code SOCK_NONBLOCK}/{@code SOCK_CLOEXEC}
 * type flags nor {@code accept4}, so there {@link #SOCK_NONBLOCK} and {@link #SOCK_CLOEXEC} are bits of
 * this class's own that {@link #socket}, {@link #socketpair} and {@link #accept4} strip from the type and
 * apply with {@code fcntl} after the call; and every new socket there also gets {@code SO_NOSIGPIPE}, as
 * macOS before 11 ignores {@code MSG_NOSIGNAL}. {@code struct msghdr}'s lengths are {@code size_t} on
 * Linux and {@code int}/{@code socklen_t} on the BSDs: write {@code msg_iovlen} with {@link #setMsgIovlen}.
 */
public final class Sockets {
    private static final AbiTable OS = Abi.CURRENT;
    /** Whether socket(), socketpair() and accept4() take SOCK_NONBLOCK|SOCK_CLOEXEC in the type. */
    private static final boolean HAS_SOCK_FLAGS = OS.has("SOCK_NONBLOCK");
    private static final boolean HAS_ACCEPT4 = OS.hasFunction("accept4");
    /** macOS: set SO_NOSIGPIPE on every new socket, the fallback for systems that ignore MSG_NOSIGNAL. */
    private static final boolean SET_NOSIGPIPE = OS.os() == AbiTable.Os.MACOS;

    /** No address family: connecting a datagram socket to it dissolves the association. */
    public static final int AF_UNSPEC = OS.constant("AF_UNSPEC");
    /** Unix domain sockets. */
    public static final int AF_UNIX = OS.constant("AF_UNIX");
    /** IPv4. */
    public static final int AF_INET = OS.constant("AF_INET");
    /** IPv6. */
    public static final int AF_INET6 = OS.constant("AF_INET6");
    /** Stream sockets. */
    public static final int SOCK_STREAM = OS.constant("SOCK_STREAM");
    /** Datagram sockets. */
    public static final int SOCK_DGRAM = OS.constant("SOCK_DGRAM");
    /**
     * socket()/socketpair()/accept4() type flag: non-blocking. The OS's value where it has one; on macOS
     * a bit of this class's own (never passed to the OS), applied with fcntl.
     */
    public static final int SOCK_NONBLOCK = HAS_SOCK_FLAGS ? OS.constant("SOCK_NONBLOCK") : 1 << 30;
    /** socket()/socketpair()/accept4() type flag: close on exec; on macOS, like {@link #SOCK_NONBLOCK}, our own bit. */
    public static final int SOCK_CLOEXEC = HAS_SOCK_FLAGS ? OS.constant("SOCK_CLOEXEC") : 1 << 29;

    /** Option level of the socket itself. */
    public static final int SOL_SOCKET = OS.constant("SOL_SOCKET");
    /** Allow binding a port with connections in TIME_WAIT. */
    public static final int SO_REUSEADDR = OS.constant("SO_REUSEADDR");
    /** Read (and clear) the pending error, e.g. of a non-blocking connect. */
    public static final int SO_ERROR = OS.constant("SO_ERROR");
    /** Send buffer size (Linux doubles what is set). */
    public static final int SO_SNDBUF = OS.constant("SO_SNDBUF");
    /** Receive buffer size (Linux doubles what is set). */
    public static final int SO_RCVBUF = OS.constant("SO_RCVBUF");
    /** Datagram sockets: allow sending to a broadcast address. */
    public static final int SO_BROADCAST = OS.constant("SO_BROADCAST");
    /** TCP keep-alive probes. */
    public static final int SO_KEEPALIVE = OS.constant("SO_KEEPALIVE");
    /** Linger on close; {l_onoff=1, l_linger=0} makes close send a reset. */
    public static final int SO_LINGER = OS.constant("SO_LINGER");
    /** Let several sockets bind the same address and port. */
    public static final int SO_REUSEPORT = OS.constant("SO_REUSEPORT");
    /** macOS and FreeBSD: no SIGPIPE for writes on this socket (-1 where the platform has no such option). */
    public static final int SO_NOSIGPIPE = OS.constantOr("SO_NOSIGPIPE", -1);
    /** Option level of TCP. */
    public static final int IPPROTO_TCP = OS.constant("IPPROTO_TCP");
    /** Option level of IPv6. */
    public static final int IPPROTO_IPV6 = OS.constant("IPPROTO_IPV6");
    /** Disable Nagle's algorithm. */
    public static final int TCP_NODELAY = OS.constant("TCP_NODELAY");
    /**
     * Idle seconds before the first keep-alive probe: {@code TCP_KEEPIDLE} on Linux and FreeBSD,
     * {@code TCP_KEEPALIVE} on macOS; -1 where the table has neither. Its name there: {@link #TCP_KEEPIDLE_NAME}.
     */
    public static final int TCP_KEEPIDLE =
            OS.has("TCP_KEEPIDLE") ? OS.constant("TCP_KEEPIDLE") : OS.constantOr("TCP_KEEPALIVE", -1);
    /** The platform's own name of {@link #TCP_KEEPIDLE}, for messages. */
    public static final String TCP_KEEPIDLE_NAME = OS.has("TCP_KEEPIDLE") || !OS.has("TCP_KEEPALIVE")
            ? "TCP_KEEPIDLE" : "TCP_KEEPALIVE";
    /** Seconds between keep-alive probes; -1 where the table lacks it. */
    public static final int TCP_KEEPINTVL = OS.constantOr("TCP_KEEPINTVL", -1);
    /** Unanswered keep-alive probes before the connection is dropped; -1 where the table lacks it. */
    public static final int TCP_KEEPCNT = OS.constantOr("TCP_KEEPCNT", -1);
    /** An IPv6 socket accepts IPv6 only (no IPv4-mapped peers). */
    public static final int IPV6_V6ONLY = OS.constant("IPV6_V6ONLY");

    /** shutdown(): no more receptions. */
    public static final int SHUT_RD = OS.constant("SHUT_RD");
    /** shutdown(): no more transmissions (the peer reads end of file). */
    public static final int SHUT_WR = OS.constant("SHUT_WR");
    /** shutdown(): both. */
    public static final int SHUT_RDWR = OS.constant("SHUT_RDWR");

    /** send()/sendmsg() flag: report EPIPE without raising SIGPIPE. */
    public static final int MSG_NOSIGNAL = OS.constant("MSG_NOSIGNAL");
    /**
     * recvmsg() result flag in {@code msg_flags}: the datagram was longer than the buffer and its tail was
     * discarded. Every platform reports it there; only Linux also takes it as a recv flag, which we do not use.
     */
    public static final int MSG_TRUNC = OS.constant("MSG_TRUNC");
    /** send()/recv() flag: do not block this once. */
    public static final int MSG_DONTWAIT = OS.constant("MSG_DONTWAIT");

    /** Connection in progress (non-blocking connect). */
    public static final int EINPROGRESS = OS.constant("EINPROGRESS");
    /** A previous connect on this socket is still in progress. */
    public static final int EALREADY = OS.constant("EALREADY");
    /** The socket is already connected. */
    public static final int EISCONN = OS.constant("EISCONN");
    /** The socket is not connected. */
    public static final int ENOTCONN = OS.constant("ENOTCONN");
    /** The connection was aborted before accept took it. */
    public static final int ECONNABORTED = OS.constant("ECONNABORTED");
    /** Nobody listens at the address. */
    public static final int ECONNREFUSED = OS.constant("ECONNREFUSED");
    /** The peer reset the connection. */
    public static final int ECONNRESET = OS.constant("ECONNRESET");
    /** The address is already bound. */
    public static final int EADDRINUSE = OS.constant("EADDRINUSE");
    /** The address is not one of this machine's (or no local port is free). */
    public static final int EADDRNOTAVAIL = OS.constant("EADDRNOTAVAIL");
    /** The datagram is too long for the socket (or for the protocol). */
    public static final int EMSGSIZE = OS.constant("EMSGSIZE");
    /** Operation not supported on this kind of socket. */
    public static final int EOPNOTSUPP = OS.constant("EOPNOTSUPP");
    /** Protocol not available (e.g. a TCP option on a Unix socket). */
    public static final int ENOPROTOOPT = OS.constant("ENOPROTOOPT");

    /** {@code struct linger}: two C ints. */
    public static final StructLayout LINGER =
            MemoryLayout.structLayout(C_INT.withName("l_onoff"), C_INT.withName("l_linger"));

    private static final boolean MSG_LENGTHS_ARE_INTS = OS.sizeOf("msghdr.msg_iovlen") == 4;
    /** {@code struct msghdr} (LP64): lengths are {@code size_t} on Linux, {@code int}/{@code socklen_t} on the BSDs. */
    public static final StructLayout MSGHDR = MSG_LENGTHS_ARE_INTS
            ? MemoryLayout.structLayout(
                    C_POINTER.withName("msg_name"),
                    C_INT.withName("msg_namelen"),
                    MemoryLayout.paddingLayout(4),
                    C_POINTER.withName("msg_iov"),
                    C_INT.withName("msg_iovlen"),
                    MemoryLayout.paddingLayout(4),
                    C_POINTER.withName("msg_control"),
                    C_INT.withName("msg_controllen"),
                    C_INT.withName("msg_flags"))
            : MemoryLayout.structLayout(
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
    public static final long MSG_IOV_OFFSET = OS.offsetOf("msghdr.msg_iov");
    /** Offset of {@code msg_name} in {@link #MSGHDR}. */
    public static final long MSG_NAME_OFFSET = OS.offsetOf("msghdr.msg_name");
    /** Offset of {@code msg_namelen} (a {@code socklen_t}) in {@link #MSGHDR}. */
    public static final long MSG_NAMELEN_OFFSET = OS.offsetOf("msghdr.msg_namelen");
    /** Offset of {@code msg_flags} (an int) in {@link #MSGHDR}. */
    public static final long MSG_FLAGS_OFFSET = OS.offsetOf("msghdr.msg_flags");
    /** Offset of {@code msg_iovlen} in {@link #MSGHDR}. */
    public static final long MSG_IOVLEN_OFFSET = OS.offsetOf("msghdr.msg_iovlen");

    static {
        OS.checkSize(LINGER, "linger");
        OS.checkSize(MSGHDR, "msghdr");
        for (String field : new String[] {"msg_name", "msg_namelen", "msg_iov", "msg_iovlen", "msg_control",
                "msg_controllen", "msg_flags"}) {
            if (MSGHDR.byteOffset(MemoryLayout.PathElement.groupElement(field)) != OS.offsetOf("msghdr." + field)) {
                throw new IllegalStateException(
                        "msghdr." + field + " is not where the " + OS.profile() + " table puts it");
            }
        }
    }

    private static final MethodHandle SOCKETPAIR =
            Native.downcall("socketpair", FunctionDescriptor.of(C_INT, C_INT, C_INT, C_INT, C_POINTER));
    private static final MethodHandle SOCKET =
            Native.downcall("socket", FunctionDescriptor.of(C_INT, C_INT, C_INT, C_INT));
    private static final MethodHandle BIND =
            Native.downcall("bind", FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_INT));
    private static final MethodHandle LISTEN = Native.downcall("listen", FunctionDescriptor.of(C_INT, C_INT, C_INT));
    /** accept4, where the table lists it; else null. Same Java type as {@link #ACCEPT}. */
    private static final MethodHandle ACCEPT4 = HAS_ACCEPT4
            ? Native.downcall("accept4", FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER, C_INT))
            : null;
    /** accept, taking (and ignoring) a flags argument so that one loop serves both. */
    private static final MethodHandle ACCEPT = MethodHandles.dropArguments(
            Native.downcall("accept", FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER)), 4, int.class);
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
    /** send(2) of every loop write: sendto(2) with no address through syscall(2) where the table has its number. */
    private static final MethodHandle SEND = Native.withoutCancellation(OS, "SYS_sendto", "send",
            FunctionDescriptor.of(C_SIZE_T, C_INT, C_POINTER, C_SIZE_T, C_INT), MemorySegment.NULL, 0L);
    private static final MethodHandle RECV =
            Native.downcall("recv", FunctionDescriptor.of(C_SIZE_T, C_INT, C_POINTER, C_SIZE_T, C_INT));
    private static final MethodHandle SENDMSG =
            Native.downcall("sendmsg", FunctionDescriptor.of(C_SIZE_T, C_INT, C_POINTER, C_INT));

    private static final MethodHandle SENDTO = Native.downcall("sendto",
            FunctionDescriptor.of(C_SIZE_T, C_INT, C_POINTER, C_SIZE_T, C_INT, C_POINTER, C_INT));
    private static final MethodHandle RECVMSG =
            Native.downcall("recvmsg", FunctionDescriptor.of(C_SIZE_T, C_INT, C_POINTER, C_INT));

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
        int flags = type & (SOCK_NONBLOCK | SOCK_CLOEXEC);
        MemorySegment st = Native.errnoState();
        int r;
        try {
            r = (int) SOCKETPAIR.invokeExact(st, domain, HAS_SOCK_FLAGS ? type : type & ~flags, protocol, fds);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        if (r < 0) {
            throw Native.error("socketpair(domain=" + domain + ", type=0x" + Integer.toHexString(type) + ")", st);
        }
        if (!HAS_SOCK_FLAGS || SET_NOSIGPIPE) {
            int first = fds.getAtIndex(C_INT, 0);
            int second = fds.getAtIndex(C_INT, 1);
            try {
                afterCreate(first, flags, !HAS_SOCK_FLAGS);
            } catch (ErrnoException e) {
                Unistd.closeAfterFailure(second, e);
                throw e;
            }
            try {
                afterCreate(second, flags, !HAS_SOCK_FLAGS);
            } catch (ErrnoException e) {
                Unistd.closeAfterFailure(first, e);
                throw e;
            }
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
        int flags = type & (SOCK_NONBLOCK | SOCK_CLOEXEC);
        MemorySegment st = Native.errnoState();
        int fd;
        try {
            fd = (int) SOCKET.invokeExact(st, domain, HAS_SOCK_FLAGS ? type : type & ~flags, protocol);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        if (fd < 0) {
            throw Native.error("socket(domain=" + domain + ", type=0x" + Integer.toHexString(type) + ")", st);
        }
        return afterCreate(fd, flags, !HAS_SOCK_FLAGS);
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
     * Accepts a connection without asking for the peer's address: {@code accept4} where the C library has
     * it, else {@link #acceptThenFcntl}. EINTR and ECONNABORTED (the peer gave up before we took it) are
     * retried.
     *
     * @param fd    the listening socket
     * @param flags {@link #SOCK_NONBLOCK}/{@link #SOCK_CLOEXEC} for the new socket
     * @return the new descriptor, or {@link Unistd#WOULD_BLOCK} (-1) when no connection is pending
     * @throws ErrnoException on EMFILE, ENFILE, ENOBUFS, EBADF, ...
     */
    public static int accept4(int fd, int flags) throws ErrnoException {
        if (!HAS_ACCEPT4) {
            return acceptThenFcntl(fd, flags);
        }
        return acceptLoop(ACCEPT4, "accept4", fd, flags);
    }

    /**
     * Accepts with {@code accept}, then sets the flags with {@code fcntl} (and SO_NOSIGPIPE on macOS): what
     * {@link #accept4} does where the C library has no accept4. Runs anywhere, so that tests can run it on
     * Linux.
     *
     * @param fd    the listening socket
     * @param flags {@link #SOCK_NONBLOCK}/{@link #SOCK_CLOEXEC} for the new socket, applied with fcntl
     * @return the new descriptor, or {@link Unistd#WOULD_BLOCK} (-1) when no connection is pending
     * @throws ErrnoException on EMFILE, ENFILE, ENOBUFS, EBADF, ...; a socket whose fcntl failed is closed
     */
    static int acceptThenFcntl(int fd, int flags) throws ErrnoException {
        int c = acceptLoop(ACCEPT, "accept", fd, 0);
        return c < 0 ? c : afterCreate(c, flags, true);
    }

    private static int acceptLoop(MethodHandle h, String call, int fd, int flags) throws ErrnoException {
        MemorySegment st = Native.errnoState();
        while (true) {
            int r;
            try {
                r = (int) h.invokeExact(st, fd, MemorySegment.NULL, MemorySegment.NULL, flags);
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
                throw Native.error(call, fd, st);
            }
        }
    }

    /**
     * Finishes a socket just created: the type flags with fcntl where the call could not take them, and
     * SO_NOSIGPIPE on macOS. On failure the socket is closed.
     *
     * @param fd        the new socket
     * @param flags     the {@link #SOCK_NONBLOCK}/{@link #SOCK_CLOEXEC} bits asked for
     * @param withFcntl whether the call did not apply them itself
     * @return fd
     * @throws ErrnoException when fcntl or setsockopt fails (fd is then closed)
     */
    private static int afterCreate(int fd, int flags, boolean withFcntl) throws ErrnoException {
        if (withFcntl) {
            Fcntl.setFlagsOrClose(fd, (flags & SOCK_NONBLOCK) != 0, (flags & SOCK_CLOEXEC) != 0);
        }
        if (SET_NOSIGPIPE) {
            int e = setNoSigpipe(fd);
            if (e != 0) {
                ErrnoException ex = Errno.exception("setsockopt(fd=" + fd + ", SO_NOSIGPIPE)", e);
                Unistd.closeAfterFailure(fd, ex);
                throw ex;
            }
        }
        return fd;
    }

    private static int setNoSigpipe(int fd) {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            return setsockoptIntRaw(fd, SOL_SOCKET, SO_NOSIGPIPE, 1, arena.allocate(C_INT));
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

    /**
     * Sends one datagram to an address. EINTR is retried.
     *
     * @param fd      the socket
     * @param buf     the datagram (native memory; the FFM runtime holds it alive for the call)
     * @param flags   {@link #MSG_NOSIGNAL}, ...
     * @param addr    the destination (see {@link SockAddr})
     * @param addrLen its length, at most {@code addr.byteSize()}
     * @return the count sent (the whole datagram), or {@link Unistd#WOULD_BLOCK}
     * @throws ErrnoException on EMSGSIZE, EACCES (broadcast without SO_BROADCAST), ECONNREFUSED, ...
     */
    public static long sendto(int fd, MemorySegment buf, int flags, MemorySegment addr, int addrLen)
            throws ErrnoException {
        checkLength(addr, addrLen);
        MemorySegment st = Native.errnoState();
        long r;
        do {
            long n;
            try {
                n = (long) SENDTO.invokeExact(st, fd, buf, buf.byteSize(), flags, addr, addrLen);
            } catch (Throwable t) {
                throw Native.linkageFailure(t);
            }
            r = Native.ioResult(n, "sendto", fd, st);
        } while (r == Native.RETRY);
        return r;
    }

    /**
     * Receives one message into the buffers a {@code struct msghdr} points at; the kernel fills in
     * {@code msg_namelen} and {@code msg_flags} (e.g. {@link #MSG_TRUNC}). EINTR is retried.
     *
     * @param fd     the socket
     * @param msghdr a {@link #MSGHDR} whose name and iovecs point at native memory the caller owns and
     *               keeps alive for the call (the FFM runtime cannot see those addresses)
     * @param flags  0, ...
     * @return the count received (0 for an empty datagram), or {@link Unistd#WOULD_BLOCK}
     * @throws ErrnoException on ECONNREFUSED (an ICMP error on a connected datagram socket), ...
     */
    public static long recvmsg(int fd, MemorySegment msghdr, int flags) throws ErrnoException {
        if (msghdr.byteSize() < MSGHDR.byteSize()) {
            throw new IllegalArgumentException("struct msghdr needs " + MSGHDR.byteSize() + " bytes");
        }
        MemorySegment st = Native.errnoState();
        long r;
        do {
            long n;
            try {
                n = (long) RECVMSG.invokeExact(st, fd, msghdr, flags);
            } catch (Throwable t) {
                throw Native.linkageFailure(t);
            }
            r = Native.ioResult(n, "recvmsg", fd, st);
        } while (r == Native.RETRY);
        return r;
    }

    /**
     * Stores the number of iovecs into a {@link #MSGHDR}, as the platform's {@code msg_iovlen} type.
     *
     * @param msghdr the struct
     * @param count  how many iovecs {@code msg_iov} points at
     */
    public static void setMsgIovlen(MemorySegment msghdr, int count) {
        if (MSG_LENGTHS_ARE_INTS) {
            msghdr.set(ValueLayout.JAVA_INT, MSG_IOVLEN_OFFSET, count);
        } else {
            msghdr.set(ValueLayout.JAVA_LONG, MSG_IOVLEN_OFFSET, count);
        }
    }

    private static void checkLength(MemorySegment addr, int len) {
        if (len < 0 || len > addr.byteSize()) {
            throw new IllegalArgumentException("address length " + len + " outside its " + addr.byteSize() + "-byte buffer");
        }
    }
}
