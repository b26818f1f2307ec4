package io.jselectors.net;

import io.jselectors.ErrnoException;
import io.jselectors.internal.os.Errno;
import io.jselectors.internal.os.SockAddr;
import io.jselectors.internal.os.Sockets;
import io.jselectors.internal.os.Unistd;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.SocketAddress;

/**
 * A non-blocking connected stream socket: TCP over IPv4 or IPv6, or a Unix domain stream socket.
 *
 * <p>Get one from {@link #connect(SocketAddress)}, {@link ListeningSocket#accept()} or {@link #pair()}.
 * A connect usually finishes later: register the socket for {@link io.jselectors.Selector#EVENT_WRITE}
 * and call {@link #finishConnect()} when it is ready. Reads and writes are those of {@link NativeStream};
 * writes use {@code send}/{@code sendmsg} with {@code MSG_NOSIGNAL}, so a write to a closed peer throws
 * EPIPE and never raises SIGPIPE.
 */
public final class StreamSocket extends NativeStream {
    private final int family;
    /** The address connected to, for messages; null for accepted and paired sockets. */
    private final SocketAddress target;
    private boolean connected;
    /** The errno of a failed connect, once {@link #finishConnect()} has seen it; 0 until then. */
    private int connectErrno;

    StreamSocket(int fd, int family, SocketAddress target, boolean connected) {
        super(fd, true);
        this.family = family;
        this.target = target;
        this.connected = connected;
    }

    /**
     * Starts connecting to an address without blocking.
     *
     * <p>Unix sockets and loopback TCP may connect at once ({@link #isConnected()} is then true); otherwise
     * wait until the socket is writable and call {@link #finishConnect()}.
     *
     * @param remote an {@link java.net.InetSocketAddress} (IPv4 or IPv6, resolved) or a
     *               {@link java.net.UnixDomainSocketAddress}
     * @return the socket, connected or connecting
     * @throws IllegalArgumentException for another address type, an unresolved host or a too long path
     * @throws ErrnoException           when the connect fails at once, e.g. ECONNREFUSED or ENOENT for a Unix
     *                                  path nobody listens on (the socket is then closed)
     */
    public static StreamSocket connect(SocketAddress remote) throws IOException {
        return connect(remote, SocketOptions.NONE);
    }

    /**
     * Like {@link #connect(SocketAddress)}, with options set on the new socket before it connects (so a
     * receive buffer size takes part in TCP's window-scale negotiation). TCP options are skipped for a
     * Unix address.
     *
     * @param remote  an {@link java.net.InetSocketAddress} (resolved) or a {@link java.net.UnixDomainSocketAddress}
     * @param options the options; {@link SocketOptions#NONE} for the OS's
     * @return the socket, connected or connecting
     * @throws IllegalArgumentException      for another address type, an unresolved host or a too long path
     * @throws UnsupportedOperationException for a keep-alive timing option this platform lacks
     * @throws ErrnoException                when a setsockopt or the connect fails at once (the socket is then closed)
     */
    public static StreamSocket connect(SocketAddress remote, SocketOptions options) throws IOException {
        int family = SockAddr.family(remote);
        int len = SockAddr.encode(remote, Scratch.get().addr);
        int fd = Sockets.socket(family, Sockets.SOCK_STREAM | Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC, 0);
        StreamSocket s = new StreamSocket(fd, family, remote, false);
        try {
            options.applyTo(s);
        } catch (IOException | RuntimeException ex) {
            closeQuietly(s.takeFd());
            throw ex;
        }
        // Encoded again: applying the options may have used this thread's scratch memory.
        Scratch scratch = Scratch.get();
        SockAddr.encode(remote, scratch.addr);
        int e = Sockets.connectRaw(fd, scratch.addr, len);
        if (e == 0 || e == Sockets.EINPROGRESS) {
            s.connected = e == 0;
            return s;
        }
        closeQuietly(s.takeFd());
        throw Errors.of("connect(" + describe(remote) + ")", e, family == Sockets.AF_UNIX);
    }

    /**
     * Creates a connected pair of Unix stream sockets ({@code socketpair}).
     *
     * @return two sockets, each the other's peer
     * @throws ErrnoException on EMFILE, ENFILE, ...
     */
    public static StreamSocket[] pair() throws IOException {
        MemorySegment fds = Scratch.get().fds;
        try {
            Sockets.socketpair(
                    Sockets.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC, 0, fds);
        } catch (ErrnoException e) {
            throw Errors.withHint(e, true);
        }
        return new StreamSocket[] {
            new StreamSocket(fds.getAtIndex(ValueLayout.JAVA_INT, 0), Sockets.AF_UNIX, null, true),
            new StreamSocket(fds.getAtIndex(ValueLayout.JAVA_INT, 1), Sockets.AF_UNIX, null, true)
        };
    }

    /**
     * Finishes a connect started by {@link #connect(SocketAddress)}. Call it when the socket is writable.
     *
     * @return true once connected, false while the connect is still in progress
     * @throws ErrnoException                           when the connect failed, e.g.
     *                                                  {@code "connect(127.0.0.1:9): ECONNREFUSED (Connection refused; ...)"};
     *                                                  every later call throws the same error again
     *                                                  (the kernel reports it only once); the socket
     *                                                  stays open until you close it
     * @throws java.nio.channels.ClosedChannelException if the socket is closed
     */
    public boolean finishConnect() throws IOException {
        if (connected) {
            liveFd("finishConnect");
            return true;
        }
        int fd = liveFd("finishConnect");
        if (connectErrno != 0) {
            throw Errors.of("connect(" + describe(target) + ", fd=" + fd + ")", connectErrno, isUnix());
        }
        Scratch scratch = Scratch.get();
        int err = Sockets.getsockoptInt(fd, Sockets.SOL_SOCKET, Sockets.SO_ERROR, scratch.opt);
        if (err != 0) {
            connectErrno = err; // reading SO_ERROR cleared it: remember it for the next call
            throw Errors.of("connect(" + describe(target) + ", fd=" + fd + ")", err, isUnix());
        }
        int e = Sockets.getpeernameRaw(fd, scratch.addr, scratch.addrLen);
        if (e == 0) {
            connected = true;
            return true;
        }
        if (e == Sockets.ENOTCONN) {
            return false;
        }
        throw Errors.of("getpeername(fd=" + fd + ")", e, isUnix());
    }

    /**
     * Tells whether the connection is established.
     *
     * @return true for accepted and paired sockets, and for connecting ones once {@link #finishConnect()}
     *     returned true (or the connect finished at once)
     */
    public boolean isConnected() {
        return connected && isOpen();
    }

    /**
     * Tells whether this is a Unix domain socket.
     *
     * @return true for Unix sockets, false for TCP
     */
    public boolean isUnix() {
        return family == Sockets.AF_UNIX;
    }

    /**
     * Shuts down the reading half: later reads return -1.
     *
     * @throws ErrnoException                           e.g. ENOTCONN when not connected
     * @throws java.nio.channels.ClosedChannelException if the socket is closed
     */
    public void shutdownInput() throws IOException {
        shutdown(Sockets.SHUT_RD, "SHUT_RD");
    }

    /**
     * Shuts down the writing half: the peer reads end of stream; this side can still read.
     *
     * @throws ErrnoException                           e.g. ENOTCONN when not connected
     * @throws java.nio.channels.ClosedChannelException if the socket is closed
     */
    public void shutdownOutput() throws IOException {
        shutdown(Sockets.SHUT_WR, "SHUT_WR");
    }

    private void shutdown(int how, String name) throws IOException {
        int fd = liveFd("shutdown");
        int e = Sockets.shutdownRaw(fd, how);
        if (e != 0) {
            throw Errors.of("shutdown(fd=" + fd + ", " + name + ")", e, isUnix());
        }
    }

    /**
     * Closes the socket so that the peer sees a reset (ECONNRESET) instead of an orderly end of stream:
     * sets {@code SO_LINGER} to {on, 0 s} and closes, discarding unsent data. On a Unix socket it is a
     * plain close. Does nothing when already closed.
     *
     * @throws ErrnoException if the close fails
     */
    public void abort() throws IOException {
        int fd = takeFd();
        if (fd < 0) {
            return;
        }
        int e = 0;
        if (!isUnix()) {
            MemorySegment linger = Scratch.get().opt.asSlice(0, Sockets.LINGER.byteSize());
            linger.set(ValueLayout.JAVA_INT, 0, 1);
            linger.set(ValueLayout.JAVA_INT, 4, 0);
            e = Sockets.setsockoptRaw(fd, Sockets.SOL_SOCKET, Sockets.SO_LINGER, linger);
        }
        // Close first in any case: a failed setsockopt must not leave the descriptor open.
        Unistd.close(fd);
        if (e != 0) {
            throw Errno.exception("setsockopt(fd=" + fd + ", SO_LINGER={1,0}) before close", e);
        }
    }

    /**
     * Returns the address this socket is bound to.
     *
     * @return an {@link java.net.InetSocketAddress}, or a {@link java.net.UnixDomainSocketAddress} (an empty
     *     path when unnamed, as for a client or a {@link #pair()} end)
     * @throws ErrnoException                           on failure
     * @throws java.nio.channels.ClosedChannelException if the socket is closed
     */
    public SocketAddress localAddress() throws IOException {
        int fd = liveFd("localAddress");
        Scratch scratch = Scratch.get();
        Sockets.getsockname(fd, scratch.addr, scratch.addrLen);
        return SockAddr.decode(scratch.addr, scratch.addrLen.get(ValueLayout.JAVA_INT, 0));
    }

    /**
     * Returns the peer's address.
     *
     * @return the address, or null while not (yet) connected
     * @throws ErrnoException                           on failure
     * @throws java.nio.channels.ClosedChannelException if the socket is closed
     */
    public SocketAddress remoteAddress() throws IOException {
        int fd = liveFd("remoteAddress");
        Scratch scratch = Scratch.get();
        int e = Sockets.getpeernameRaw(fd, scratch.addr, scratch.addrLen);
        if (e == Sockets.ENOTCONN) {
            return null;
        }
        if (e != 0) {
            throw Errno.exception("getpeername(fd=" + fd + ")", e);
        }
        return SockAddr.decode(scratch.addr, scratch.addrLen.get(ValueLayout.JAVA_INT, 0));
    }

    /**
     * Turns Nagle's algorithm off (true) or on (false). TCP only.
     *
     * @param on true to send small writes at once
     * @throws UnsupportedOperationException on a Unix socket
     * @throws IOException                   on failure or when closed
     */
    public void setTcpNoDelay(boolean on) throws IOException {
        requireTcp("TCP_NODELAY");
        setInt(Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY, on ? 1 : 0, "TCP_NODELAY");
    }

    /**
     * Reads {@code TCP_NODELAY}. TCP only.
     *
     * @return true when Nagle's algorithm is off
     * @throws UnsupportedOperationException on a Unix socket
     * @throws IOException                   on failure or when closed
     */
    public boolean getTcpNoDelay() throws IOException {
        requireTcp("TCP_NODELAY");
        return getInt(Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY, "getTcpNoDelay") != 0;
    }

    /**
     * Turns TCP keep-alive probes on or off. TCP only.
     *
     * @param on true to probe idle connections
     * @throws UnsupportedOperationException on a Unix socket
     * @throws IOException                   on failure or when closed
     */
    public void setKeepAlive(boolean on) throws IOException {
        requireTcp("SO_KEEPALIVE");
        setInt(Sockets.SOL_SOCKET, Sockets.SO_KEEPALIVE, on ? 1 : 0, "SO_KEEPALIVE");
    }

    /**
     * Reads {@code SO_KEEPALIVE}. TCP only.
     *
     * @return true when keep-alive probes are on
     * @throws UnsupportedOperationException on a Unix socket
     * @throws IOException                   on failure or when closed
     */
    public boolean getKeepAlive() throws IOException {
        requireTcp("SO_KEEPALIVE");
        return getInt(Sockets.SOL_SOCKET, Sockets.SO_KEEPALIVE, "getKeepAlive") != 0;
    }

    /**
     * Asks for a receive buffer size ({@code SO_RCVBUF}). Linux doubles the value for its bookkeeping and
     * caps it by {@code net.core.rmem_max}.
     *
     * @param bytes the wanted size, &gt; 0
     * @throws IllegalArgumentException if {@code bytes <= 0}
     * @throws IOException              on failure or when closed
     */
    public void setReceiveBufferSize(int bytes) throws IOException {
        setInt(Sockets.SOL_SOCKET, Sockets.SO_RCVBUF, positive(bytes), "SO_RCVBUF");
    }

    /**
     * Reads {@code SO_RCVBUF}.
     *
     * @return the size the kernel uses (on Linux twice what was set)
     * @throws IOException on failure or when closed
     */
    public int getReceiveBufferSize() throws IOException {
        return getInt(Sockets.SOL_SOCKET, Sockets.SO_RCVBUF, "getReceiveBufferSize");
    }

    /**
     * Asks for a send buffer size ({@code SO_SNDBUF}). Linux doubles the value and caps it by
     * {@code net.core.wmem_max}.
     *
     * @param bytes the wanted size, &gt; 0
     * @throws IllegalArgumentException if {@code bytes <= 0}
     * @throws IOException              on failure or when closed
     */
    public void setSendBufferSize(int bytes) throws IOException {
        setInt(Sockets.SOL_SOCKET, Sockets.SO_SNDBUF, positive(bytes), "SO_SNDBUF");
    }

    /**
     * Reads {@code SO_SNDBUF}.
     *
     * @return the size the kernel uses (on Linux twice what was set)
     * @throws IOException on failure or when closed
     */
    public int getSendBufferSize() throws IOException {
        return getInt(Sockets.SOL_SOCKET, Sockets.SO_SNDBUF, "getSendBufferSize");
    }

    /**
     * Sets every option given (the non-null ones), each with its own checked {@code setsockopt}; stops at
     * the first failure. TCP options are skipped on a Unix socket.
     *
     * @param options the options
     * @throws UnsupportedOperationException for a keep-alive timing option this platform lacks
     * @throws ErrnoException                naming the setsockopt, the fd and the value (EINVAL for a value
     *                                       out of the kernel's range)
     * @throws IOException                   when closed
     */
    public void setOptions(SocketOptions options) throws IOException {
        options.applyTo(this);
    }

    /**
     * Reads the options the kernel uses now: TCP ones are null on a Unix socket, keep-alive timing is null
     * where the platform lacks it, and buffer sizes are as the kernel reports them (on Linux twice what
     * was set).
     *
     * @return the options
     * @throws IOException on failure or when closed
     */
    public SocketOptions options() throws IOException {
        return SocketOptions.readFrom(this);
    }

    private static int positive(int bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("buffer size must be positive, got " + bytes);
        }
        return bytes;
    }

    private void requireTcp(String option) {
        if (isUnix()) {
            throw new UnsupportedOperationException(option + " applies to TCP sockets; this is a Unix socket");
        }
    }

    void setInt(int level, int option, int value, String name) throws IOException {
        int fd = liveFd("set " + name);
        int e = Sockets.setsockoptIntRaw(fd, level, option, value, Scratch.get().opt);
        if (e != 0) {
            throw Errno.exception("setsockopt(fd=" + fd + ", " + name + "=" + value + ")", e);
        }
    }

    int getInt(int level, int option, String operation) throws IOException {
        return Sockets.getsockoptInt(liveFd(operation), level, option, Scratch.get().opt);
    }

    static String describe(SocketAddress a) {
        if (a instanceof java.net.InetSocketAddress inet && inet.getAddress() != null) {
            String host = inet.getAddress().getHostAddress();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        if (a instanceof java.net.UnixDomainSocketAddress u) {
            return u.getPath().toString();
        }
        return String.valueOf(a);
    }

    static void closeQuietly(int fd) {
        try {
            Unistd.close(fd);
        } catch (ErrnoException ignored) {
            // The descriptor is released whatever close reports; the first error is the one to show.
        }
    }

    @Override
    String what() {
        return "socket";
    }

    @Override
    public String toString() {
        return "StreamSocket[fd=" + fileno() + (isUnix() ? ", unix" : ", tcp")
                + (target != null ? ", to " + describe(target) : "") + (connected ? ", connected" : "") + "]";
    }
}
