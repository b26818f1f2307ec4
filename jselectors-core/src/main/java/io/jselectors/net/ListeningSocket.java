package io.jselectors.net;

import io.jselectors.ErrnoException;
import io.jselectors.Selectable;
import io.jselectors.internal.os.Errno;
import io.jselectors.internal.os.SockAddr;
import io.jselectors.internal.os.Sockets;
import io.jselectors.internal.os.Unistd;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.foreign.ValueLayout;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * A non-blocking listening stream socket: TCP over IPv4 or IPv6, or a Unix domain socket.
 *
 * <p>Register it for {@link io.jselectors.Selector#EVENT_READ} and call {@link #accept()} until it returns
 * null. A Unix listener creates its socket file at bind and deletes it at close (unless something else
 * has replaced the file meanwhile).
 */
public final class ListeningSocket implements Selectable, Closeable {
    private static final VarHandle FD;

    static {
        try {
            FD = MethodHandles.lookup().findVarHandle(ListeningSocket.class, "fd", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile int fd;
    private final int family;
    private final SocketAddress requested;
    /** The socket file we created and its identity, or null. */
    private final Path socketFile;
    private final Object socketFileKey;

    private ListeningSocket(int fd, int family, SocketAddress requested, Path socketFile, Object socketFileKey) {
        this.fd = fd;
        this.family = family;
        this.requested = requested;
        this.socketFile = socketFile;
        this.socketFileKey = socketFileKey;
    }

    /**
     * Binds and listens with {@link ListenOptions#DEFAULTS}.
     *
     * @param local the address; port 0 picks a free port (see {@link #localAddress()})
     * @return the listening socket
     * @throws IOException see {@link #bind(SocketAddress, ListenOptions)}
     */
    public static ListeningSocket bind(SocketAddress local) throws IOException {
        return bind(local, ListenOptions.DEFAULTS);
    }

    /**
     * Binds a socket to a local address and listens.
     *
     * @param local   an {@link java.net.InetSocketAddress} (IPv4 or IPv6; port 0 picks a free port; the
     *                wildcard {@code ::} also takes IPv4 on Linux) or a {@link UnixDomainSocketAddress}
     *                (the file must not exist)
     * @param options backlog, SO_REUSEADDR and SO_REUSEPORT (the last two apply to TCP only)
     * @return the listening socket
     * @throws IllegalArgumentException for another address type, an unresolved host, a too long path, or
     *                                  an empty Unix path (which would bind an abstract address the
     *                                  system picks; those are not supported)
     * @throws ErrnoException           e.g. {@code "bind(127.0.0.1:8080): EADDRINUSE (Address already in
     *                                  use; another socket is bound to that address and port: ...)"}
     */
    public static ListeningSocket bind(SocketAddress local, ListenOptions options) throws IOException {
        Objects.requireNonNull(options, "options");
        if (local instanceof UnixDomainSocketAddress u && u.getPath().toString().isEmpty()) {
            throw new IllegalArgumentException("bind: empty Unix socket path; on Linux it would bind an abstract"
                    + " address the system picks, which is not supported: give the path of a file to create");
        }
        int family = SockAddr.family(local);
        boolean unix = family == Sockets.AF_UNIX;
        Scratch scratch = Scratch.get();
        int len = SockAddr.encode(local, scratch.addr);
        int fd = Sockets.socket(family, Sockets.SOCK_STREAM | Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC, 0);
        try {
            if (!unix) {
                setFlag(fd, Sockets.SO_REUSEADDR, options.reuseAddress(), "SO_REUSEADDR", scratch);
                if (options.reusePort()) {
                    setFlag(fd, Sockets.SO_REUSEPORT, true, "SO_REUSEPORT", scratch);
                }
            }
            int e = Sockets.bindRaw(fd, scratch.addr, len);
            if (e != 0) {
                throw Errors.of("bind(" + StreamSocket.describe(local) + ")", e, unix);
            }
            Path file = null;
            Object key = null;
            if (unix) {
                file = ((UnixDomainSocketAddress) local).getPath();
                key = fileKey(file);
            }
            try {
                Sockets.listen(fd, options.backlog());
            } catch (ErrnoException ex) {
                if (file != null) {
                    Files.deleteIfExists(file);
                }
                throw ex;
            }
            return new ListeningSocket(fd, family, local, file, key);
        } catch (IOException | RuntimeException ex) {
            StreamSocket.closeQuietly(fd);
            throw ex;
        }
    }

    private static void setFlag(int fd, int option, boolean on, String name, Scratch scratch) throws ErrnoException {
        int e = Sockets.setsockoptIntRaw(fd, Sockets.SOL_SOCKET, option, on ? 1 : 0, scratch.opt);
        if (e != 0) {
            throw Errno.exception("setsockopt(fd=" + fd + ", " + name + ")", e);
        }
    }

    private static Object fileKey(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Accepts one pending connection ({@code accept4} with SOCK_NONBLOCK and SOCK_CLOEXEC).
     *
     * @return the connected socket, or null when no connection is pending
     * @throws ErrnoException                           EMFILE/ENFILE when out of descriptors (the
     *                                                  connection stays queued: close something and retry)
     * @throws java.nio.channels.ClosedChannelException if this socket is closed
     */
    public StreamSocket accept() throws IOException {
        int fd = this.fd;
        if (fd < 0) {
            throw new SocketClosedException("accept", "listening socket");
        }
        int c;
        try {
            c = Sockets.accept4(fd, Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC);
        } catch (ErrnoException e) {
            throw Errors.withHint(e, isUnix());
        }
        return c < 0 ? null : new StreamSocket(c, family, null, true);
    }

    /**
     * Returns the bound address, with the port the system picked when bound to port 0.
     *
     * @return an {@link java.net.InetSocketAddress} or a {@link UnixDomainSocketAddress}
     * @throws IOException on failure or when closed
     */
    public SocketAddress localAddress() throws IOException {
        int fd = this.fd;
        if (fd < 0) {
            throw new SocketClosedException("localAddress", "listening socket");
        }
        Scratch scratch = Scratch.get();
        Sockets.getsockname(fd, scratch.addr, scratch.addrLen);
        return SockAddr.decode(scratch.addr, scratch.addrLen.get(ValueLayout.JAVA_INT, 0));
    }

    /**
     * Reads {@code SO_REUSEADDR}.
     *
     * @return whether it is set
     * @throws IOException on failure or when closed
     */
    public boolean getReuseAddress() throws IOException {
        return getFlag(Sockets.SO_REUSEADDR, "getReuseAddress");
    }

    /**
     * Reads {@code SO_REUSEPORT}.
     *
     * @return whether it is set
     * @throws IOException on failure or when closed
     */
    public boolean getReusePort() throws IOException {
        return getFlag(Sockets.SO_REUSEPORT, "getReusePort");
    }

    private boolean getFlag(int option, String operation) throws IOException {
        int fd = this.fd;
        if (fd < 0) {
            throw new SocketClosedException(operation, "listening socket");
        }
        return Sockets.getsockoptInt(fd, Sockets.SOL_SOCKET, option, Scratch.get().opt) != 0;
    }

    /**
     * Tells whether this is a Unix domain socket.
     *
     * @return true for Unix, false for TCP
     */
    public boolean isUnix() {
        return family == Sockets.AF_UNIX;
    }

    /**
     * Returns the descriptor.
     *
     * @return the descriptor, or -1 once closed
     */
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
     * Closes the socket and, for a Unix socket, deletes the socket file it created. Later calls do nothing.
     *
     * @throws UncheckedIOException if the close fails (the descriptor is released anyway)
     */
    @Override
    public void close() {
        int old = (int) FD.getAndSet(this, -1);
        if (old < 0) {
            return;
        }
        try {
            if (socketFile != null && socketFileKey != null && socketFileKey.equals(fileKey(socketFile))) {
                Files.deleteIfExists(socketFile);
            }
        } catch (IOException e) {
            // Still close the descriptor; a leftover file only blocks a later bind to the same path.
        } finally {
            try {
                Unistd.close(old);
            } catch (ErrnoException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public String toString() {
        return "ListeningSocket[fd=" + fd + ", " + StreamSocket.describe(requested) + "]";
    }
}
