package io.jselectors.net;

import io.jselectors.ErrnoException;
import io.jselectors.Readiness;
import io.jselectors.Selectable;
import io.jselectors.internal.os.Abi;
import io.jselectors.internal.os.AbiTable;
import io.jselectors.internal.os.Errno;
import io.jselectors.internal.os.SockAddr;
import io.jselectors.internal.os.Sockets;
import io.jselectors.internal.os.Unistd;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.util.Objects;

/**
 * A non-blocking datagram socket: UDP over IPv4 or IPv6, or one end of a Unix datagram socket pair.
 *
 * <p>{@link #bind(SocketAddress)} or {@link #open(StandardProtocolFamily)} (the system binds it at the
 * first send), then {@link #sendTo(MemorySegment, SocketAddress)} and {@link #receive(MemorySegment)};
 * or {@link #connect(SocketAddress)} to talk to one peer with {@link #send(MemorySegment)}. Datagrams
 * go whole or not at all: a send returns false when the socket buffer cannot take this one now
 * (register for {@link io.jselectors.Selector#EVENT_WRITE} and retry).
 *
 * <p><b>Truncation is reported.</b> A datagram longer than the buffer given to {@link #receive} is cut
 * to the buffer's size (the system discards the rest) and {@link #truncated()} is then true: the socket
 * asks {@code recvmsg} and reads {@code MSG_TRUNC} from {@code msg_flags}, where every platform reports it.
 *
 * <p><b>Memory.</b> A datagram is received into a native staging buffer of 64 KiB held only for the
 * call (see {@link NativeStream}), then copied into the caller's segment: the kernel writes only memory
 * the call owns, whatever the caller's arena does meanwhile. 64 KiB holds any UDP datagram (at most
 * 65,507 bytes over IPv4, 65,527 over IPv6). Sends pass native memory straight to {@code sendto}
 * (the FFM runtime holds its arena open for the call); heap memory is copied through the staging buffer.
 *
 * <p><b>Errors</b> are {@link ErrnoException}s naming the call and the fd. On a connected UDP socket an
 * ICMP "port unreachable" for an earlier datagram comes back as ECONNREFUSED from the next receive or
 * send, e.g. {@code recvmsg(fd=9): ECONNREFUSED (Connection refused)}; the socket stays usable. A
 * datagram too large for UDP throws EMSGSIZE. After {@link #close()} every operation throws
 * {@link java.nio.channels.ClosedChannelException}.
 *
 * <p>Not thread-safe: one thread at a time (its event loop). {@link #close()} on the thread that uses it.
 */
public final class DatagramSocket implements Selectable, Closeable {
    /** What {@link #receive} returns when no datagram waits. */
    public static final int NO_DATAGRAM = -1;
    /** The most bytes one receive takes: the staging buffer's size, more than any UDP datagram. */
    public static final int MAX_RECEIVE = CallMemory.STAGING_SIZE;

    private static final VarHandle FD;

    static {
        try {
            FD = MethodHandles.lookup().findVarHandle(DatagramSocket.class, "fd", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile int fd;
    private final int family;
    private SocketAddress remote;
    /** The last receive's sender, reused while the next sender's bytes are the same; null before or unnamed. */
    private final SenderCache senders = new SenderCache();
    /** The C form of the last target sent to. */
    private final TargetCache targets;
    private boolean truncated;

    private DatagramSocket(int fd, int family) {
        this.fd = fd;
        this.family = family;
        this.targets = new TargetCache(family);
    }

    /**
     * Opens an unbound UDP socket; the system binds it to a free port at its first send or connect.
     *
     * @param family {@link StandardProtocolFamily#INET} or {@link StandardProtocolFamily#INET6} (an IPv6
     *               socket also reaches IPv4 peers, as {@code ::ffff:a.b.c.d}, on Linux)
     * @return the socket
     * @throws IllegalArgumentException for {@code UNIX} (use {@link #pair()})
     * @throws ErrnoException           on EMFILE, ENFILE, EAFNOSUPPORT, ...
     */
    public static DatagramSocket open(StandardProtocolFamily family) throws IOException {
        int af = switch (Objects.requireNonNull(family, "family")) {
            case INET -> Sockets.AF_INET;
            case INET6 -> Sockets.AF_INET6;
            case UNIX -> throw new IllegalArgumentException("Unix datagram sockets come in pairs: use pair()");
        };
        return create(af);
    }

    /**
     * Opens a UDP socket bound to a local address.
     *
     * @param local an {@link InetSocketAddress}, resolved; port 0 picks a free port (read it back with
     *              {@link #localAddress()}); a wildcard {@code ::} also takes IPv4 on Linux
     * @return the socket
     * @throws IllegalArgumentException for another address type or an unresolved host
     * @throws ErrnoException           e.g. {@code "bind(127.0.0.1:5353, fd=7): EADDRINUSE (...; another socket is
     *                                  bound to that address and port: ...)"}
     */
    public static DatagramSocket bind(SocketAddress local) throws IOException {
        if (!(local instanceof InetSocketAddress)) {
            throw new IllegalArgumentException("a datagram socket binds an InetSocketAddress, not " + local
                    + " (Unix datagram sockets come in pairs: use pair())");
        }
        int af = SockAddr.family(local);
        DatagramSocket s = create(af);
        try {
            Scratch scratch = Scratch.get();
            int len = SockAddr.encode(local, scratch.addr);
            int e = Sockets.bindRaw(s.fd, scratch.addr, len);
            if (e != 0) {
                throw Errors.of("bind(" + StreamSocket.describe(local) + ", fd=" + s.fd + ")", e, false);
            }
        } catch (IOException | RuntimeException ex) {
            s.closeQuietly();
            throw ex;
        }
        return s;
    }

    /**
     * Creates a connected pair of Unix datagram sockets ({@code socketpair}): each datagram sent on one
     * is received whole on the other. Their receives report no sender ({@link #sender()} is null).
     *
     * @return two sockets, each the other's peer
     * @throws ErrnoException on EMFILE, ENFILE, ...
     */
    public static DatagramSocket[] pair() throws IOException {
        MemorySegment fds = Scratch.get().fds;
        try {
            Sockets.socketpair(Sockets.AF_UNIX, Sockets.SOCK_DGRAM | Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC, 0,
                    fds);
        } catch (ErrnoException e) {
            throw Errors.withHint(e, true);
        }
        DatagramSocket a = new DatagramSocket(fds.getAtIndex(ValueLayout.JAVA_INT, 0), Sockets.AF_UNIX);
        DatagramSocket b = new DatagramSocket(fds.getAtIndex(ValueLayout.JAVA_INT, 1), Sockets.AF_UNIX);
        a.remote = b.remote = java.net.UnixDomainSocketAddress.of("");
        return new DatagramSocket[] {a, b};
    }

    private static DatagramSocket create(int af) throws IOException {
        try {
            return new DatagramSocket(
                    Sockets.socket(af, Sockets.SOCK_DGRAM | Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC, 0), af);
        } catch (ErrnoException e) {
            throw Errors.withHint(e, false);
        }
    }

    /**
     * Connects the socket to one peer: {@link #send} then goes there, only its datagrams are received,
     * and ICMP errors for it are reported (ECONNREFUSED). Returns at once (UDP has no handshake); may be
     * called again to change peers.
     *
     * @param peer an {@link InetSocketAddress}, resolved, of this socket's family (an IPv4 one also on an
     *             IPv6 socket)
     * @throws IllegalArgumentException for an unresolved or unsuitable address, or on a Unix pair
     * @throws ErrnoException           e.g. ENETUNREACH
     */
    public void connect(SocketAddress peer) throws IOException {
        int fd = liveFd("connect");
        requireInet("connect");
        Scratch scratch = Scratch.get();
        int len = SockAddr.encodeFor(family, peer, scratch.addr);
        int e = Sockets.connectRaw(fd, scratch.addr, len);
        if (e != 0) {
            throw Errors.of("connect(" + StreamSocket.describe(peer) + ", fd=" + fd + ")", e, false);
        }
        remote = peer;
    }

    /**
     * Dissolves the association made by {@link #connect}: the socket again sends and receives to and
     * from anyone, and keeps its local address. Does nothing when not connected. (Connect to
     * {@code AF_UNSPEC}; run on Linux only. FreeBSD reports EADDRNOTAVAIL while doing it, which is ignored.)
     *
     * @throws ErrnoException on failure
     */
    public void disconnect() throws IOException {
        int fd = liveFd("disconnect");
        requireInet("disconnect");
        if (remote == null) {
            return;
        }
        Scratch scratch = Scratch.get();
        int len = SockAddr.encodeUnspec(family, scratch.addr);
        int e = Sockets.connectRaw(fd, scratch.addr, len);
        if (e != 0 && !(e == Sockets.EADDRNOTAVAIL && !isLinux())) {
            throw Errno.exception("connect(AF_UNSPEC, fd=" + fd + ") to disconnect", e);
        }
        remote = null;
    }

    private static boolean isLinux() {
        return Abi.CURRENT.os() == AbiTable.Os.LINUX;
    }

    /**
     * Tells whether the socket is connected to one peer.
     *
     * @return true after {@link #connect} (and for a {@link #pair()} end), until {@link #disconnect()}
     */
    public boolean isConnected() {
        return remote != null && isOpen();
    }

    /**
     * Sends one datagram to the connected peer.
     *
     * @param datagram the bytes, whole (an empty segment sends an empty datagram)
     * @return true when sent; false when the socket cannot take it now (nothing was sent)
     * @throws IllegalStateException    if not connected
     * @throws ErrnoException           e.g. ECONNREFUSED (an ICMP error for an earlier datagram), EMSGSIZE
     */
    public boolean send(MemorySegment datagram) throws IOException {
        int fd = liveFd("send");
        if (remote == null) {
            throw new IllegalStateException("send: the socket is not connected: use sendTo(datagram, address)");
        }
        return transmit(fd, datagram, null, 0);
    }

    /**
     * Sends one datagram to an address.
     *
     * @param datagram the bytes, whole
     * @param target   an {@link InetSocketAddress}, resolved, of this socket's family (an IPv4 one also on an
     *                 IPv6 socket)
     * @return true when sent; false when the socket cannot take it now (nothing was sent)
     * @throws IllegalArgumentException for an unresolved or unsuitable address
     * @throws ErrnoException           e.g. EMSGSIZE, EACCES (a broadcast address without
     *                                  {@link #setBroadcast(boolean)}), EISCONN on a connected socket on some systems
     */
    public boolean sendTo(MemorySegment datagram, SocketAddress target) throws IOException {
        int fd = liveFd("sendTo");
        requireInet("sendTo");
        Scratch scratch = Scratch.get();
        int len = targets.encode(Objects.requireNonNull(target, "target"), scratch.addr);
        return transmit(fd, datagram, scratch.addr, len);
    }

    /**
     * Checks that {@link #sendTo} could send to an address, without sending: what a caller that queues
     * datagrams for later checks at once.
     *
     * @param target the address
     * @throws IllegalArgumentException for an unresolved or unsuitable address, or on a Unix pair
     */
    public void checkTarget(SocketAddress target) {
        requireInet("sendTo");
        targets.encode(Objects.requireNonNull(target, "target"), Scratch.get().addr);
    }

    private boolean transmit(int fd, MemorySegment datagram, MemorySegment addr, int addrLen) throws IOException {
        long size = datagram.byteSize();
        if (datagram.isNative()) {
            return sendNative(fd, datagram, addr, addrLen);
        }
        if (size > CallMemory.STAGING_SIZE) {
            throw Errors.of((addr == null ? "send" : "sendto") + "(fd=" + fd + ", " + size + " bytes)", Sockets.EMSGSIZE,
                    false);
        }
        CallMemory m = CallMemory.take();
        try {
            MemorySegment staging = m.staging().asSlice(0, size);
            MemorySegment.copy(datagram, 0, staging, 0, size);
            return sendNative(fd, staging, addr, addrLen);
        } finally {
            m.release();
        }
    }

    private static boolean sendNative(int fd, MemorySegment datagram, MemorySegment addr, int addrLen)
            throws ErrnoException {
        long n = addr == null
                ? Sockets.send(fd, datagram, Sockets.MSG_NOSIGNAL)
                : Sockets.sendto(fd, datagram, Sockets.MSG_NOSIGNAL, addr, addrLen);
        return n != Unistd.WOULD_BLOCK;
    }

    /**
     * Receives one datagram into a segment, from its start. Then {@link #sender()} tells who sent it and
     * {@link #truncated()} whether it was longer than {@code dst} (its tail is then lost).
     *
     * @param dst where the bytes land; at most {@link #MAX_RECEIVE} bytes of it are used
     * @return the count stored in {@code dst} (0 for an empty datagram), or {@link #NO_DATAGRAM} when none waits
     * @throws IllegalArgumentException if {@code dst} is read-only (nothing is received)
     * @throws IllegalStateException    if {@code dst}'s arena is closed
     * @throws WrongThreadException     if {@code dst} is confined to another thread
     * @throws ErrnoException           e.g. ECONNREFUSED on a connected socket whose peer has no socket
     *                                  at that port (the error of an earlier send; receive again for the next datagram)
     */
    public int receive(MemorySegment dst) throws IOException {
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("receive: the destination segment is read-only; nothing was received");
        }
        int fd = liveFd("receive");
        long max = Math.min(dst.byteSize(), MAX_RECEIVE);
        // Check dst before a datagram is taken: one that could not be stored would be lost.
        if (!dst.scope().isAlive()) {
            throw new IllegalStateException("receive: the segment's arena is closed; nothing was received");
        }
        if (!dst.isAccessibleBy(Thread.currentThread())) {
            throw new WrongThreadException("receive: the segment is confined to another thread; nothing was received");
        }
        CallMemory m = CallMemory.take();
        try {
            long n = m.receive(fd, max);
            if (n == Unistd.WOULD_BLOCK) {
                return NO_DATAGRAM;
            }
            int len = m.receivedNameLength();
            senders.update(m.receivedName(), len);
            truncated = (m.receivedFlags() & Sockets.MSG_TRUNC) != 0;
            long stored = Math.min(n, max); // Linux returns the stored length here; never trust more
            MemorySegment.copy(m.staging(), 0, dst, 0, stored);
            return (int) stored;
        } finally {
            m.release();
        }
    }

    /**
     * Returns the sender of the datagram the last {@link #receive} returned. The same object is returned
     * while datagrams keep coming from the same address, so a receive allocates nothing for it then.
     *
     * @return an {@link InetSocketAddress}, or null before the first receive and on a {@link #pair()} end
     */
    public SocketAddress sender() {
        return senders.current();
    }

    /**
     * Tells whether the datagram the last {@link #receive} returned was cut to the buffer.
     *
     * @return true when the datagram was longer than the buffer and its tail was discarded
     */
    public boolean truncated() {
        return truncated;
    }

    /**
     * Allows or forbids sending to broadcast addresses ({@code SO_BROADCAST}).
     *
     * @param on true to allow
     * @throws IOException on failure or when closed
     */
    public void setBroadcast(boolean on) throws IOException {
        int fd = liveFd("setBroadcast");
        int e = Sockets.setsockoptIntRaw(fd, Sockets.SOL_SOCKET, Sockets.SO_BROADCAST, on ? 1 : 0, Scratch.get().opt);
        if (e != 0) {
            throw Errno.exception("setsockopt(fd=" + fd + ", SO_BROADCAST=" + (on ? 1 : 0) + ")", e);
        }
    }

    /**
     * Reads {@code SO_BROADCAST}.
     *
     * @return whether sending to broadcast addresses is allowed
     * @throws IOException on failure or when closed
     */
    public boolean getBroadcast() throws IOException {
        return Sockets.getsockoptInt(liveFd("getBroadcast"), Sockets.SOL_SOCKET, Sockets.SO_BROADCAST,
                Scratch.get().opt) != 0;
    }

    /**
     * Returns the address this socket is bound to, with the port the system picked.
     *
     * @return an {@link InetSocketAddress} (port 0 while unbound), or an empty Unix address for a pair end
     * @throws IOException on failure or when closed
     */
    public SocketAddress localAddress() throws IOException {
        int fd = liveFd("localAddress");
        Scratch scratch = Scratch.get();
        Sockets.getsockname(fd, scratch.addr, scratch.addrLen);
        return SockAddr.decode(scratch.addr, scratch.addrLen.get(ValueLayout.JAVA_INT, 0));
    }

    /**
     * Returns the connected peer.
     *
     * @return the address given to {@link #connect}, an empty Unix address for a pair end, or null when not connected
     */
    public SocketAddress remoteAddress() {
        return remote;
    }

    /**
     * Tells whether this is a Unix datagram socket (a {@link #pair()} end).
     *
     * @return true for Unix, false for UDP
     */
    public boolean isUnix() {
        return family == Sockets.AF_UNIX;
    }

    /**
     * Tells whether this is an IPv6 socket.
     *
     * @return true for IPv6
     */
    public boolean isIpv6() {
        return family == Sockets.AF_INET6;
    }

    @Override
    public int fileno() {
        return fd;
    }

    /**
     * Tells whether the socket is open.
     *
     * @return false once closed
     */
    public boolean isOpen() {
        return fd >= 0;
    }

    /**
     * Closes the socket. Later calls do nothing.
     *
     * @throws UncheckedIOException if the close fails (the descriptor is released anyway)
     */
    @Override
    public void close() {
        int old = (int) FD.getAndSet(this, -1);
        if (old < 0) {
            return;
        }
        Readiness.closing(this, old);
        try {
            Unistd.close(old);
        } catch (ErrnoException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (UncheckedIOException ignored) {
            // released anyway; the caller reports the first error
        }
    }

    private void requireInet(String operation) {
        if (family == Sockets.AF_UNIX) {
            throw new IllegalArgumentException(operation + ": a Unix datagram pair is connected to its peer for"
                    + " good: use send(datagram)");
        }
    }

    private int liveFd(String operation) throws IOException {
        int f = fd;
        if (f < 0) {
            throw new SocketClosedException(operation, "datagram socket");
        }
        return f;
    }

    @Override
    public String toString() {
        String kind = family == Sockets.AF_UNIX ? "unix" : family == Sockets.AF_INET6 ? "udp6" : "udp";
        return "DatagramSocket[fd=" + fd + ", " + kind + (remote != null && family != Sockets.AF_UNIX
                ? ", to " + StreamSocket.describe(remote) : "") + "]";
    }
}
