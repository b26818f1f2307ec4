package io.jselectors.bench.peers;

import static io.jselectors.internal.os.Native.C_INT;
import static io.jselectors.internal.os.Native.C_LONG;
import static io.jselectors.internal.os.Native.C_POINTER;
import static io.jselectors.internal.os.Native.C_SIZE_T;

import io.jselectors.ErrnoException;
import io.jselectors.internal.os.Errno;
import io.jselectors.internal.os.Native;
import io.jselectors.internal.os.Unistd;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The few TCP calls the jselectors peer needs and the core does not bind yet: {@code socket},
 * {@code setsockopt}, {@code bind}, {@code listen}, {@code accept4}, and a {@code write} taking an
 * address and a length (so that writing part of a buffer needs no slice object). IPv4 loopback only.
 * Private to the bench module: the library's own sockets live in {@code io.jselectors.net}.
 */
final class RawSockets {
    static final int AF_INET = 2;
    static final int SOCK_STREAM = 1;
    static final int SOCK_NONBLOCK = 0x800;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SO_REUSEADDR = 2;
    static final int IPPROTO_TCP = 6;
    static final int TCP_NODELAY = 1;

    private static final MethodHandle SOCKET =
            Native.downcall("socket", FunctionDescriptor.of(C_INT, C_INT, C_INT, C_INT));
    private static final MethodHandle SETSOCKOPT =
            Native.downcall("setsockopt", FunctionDescriptor.of(C_INT, C_INT, C_INT, C_INT, C_POINTER, C_INT));
    private static final MethodHandle BIND =
            Native.downcall("bind", FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_INT));
    private static final MethodHandle LISTEN = Native.downcall("listen", FunctionDescriptor.of(C_INT, C_INT, C_INT));
    private static final MethodHandle ACCEPT4 =
            Native.downcall("accept4", FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER, C_INT));
    /** write(fd, void*, size_t) with the pointer passed as a plain address. */
    private static final MethodHandle WRITE_ADDR =
            Native.downcall("write", FunctionDescriptor.of(C_SIZE_T, C_INT, C_LONG, C_SIZE_T));

    private RawSockets() {}

    /**
     * Opens a non-blocking TCP socket listening on 127.0.0.1:port.
     *
     * @param port    the port (0: any)
     * @param backlog the accept queue length
     * @return the listening fd
     * @throws ErrnoException if a call fails (EADDRINUSE for a taken port)
     */
    static int listenLoopback(int port, int backlog) throws ErrnoException {
        MemorySegment st = Native.errnoState();
        int fd;
        try {
            fd = (int) SOCKET.invokeExact(st, AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        if (fd < 0) {
            throw Native.error("socket(AF_INET, SOCK_STREAM)", st);
        }
        try (Arena arena = Arena.ofConfined()) {
            setIntOption(fd, SOL_SOCKET, SO_REUSEADDR, 1, arena);
            // struct sockaddr_in: family (host order), port and address (network order), 8 bytes zero.
            MemorySegment addr = arena.allocate(16);
            addr.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
            addr.set(ValueLayout.JAVA_BYTE, 2, (byte) (port >>> 8));
            addr.set(ValueLayout.JAVA_BYTE, 3, (byte) port);
            addr.set(ValueLayout.JAVA_BYTE, 4, (byte) 127);
            addr.set(ValueLayout.JAVA_BYTE, 7, (byte) 1);
            int r;
            try {
                r = (int) BIND.invokeExact(st, fd, addr, 16);
            } catch (Throwable t) {
                throw Native.linkageFailure(t);
            }
            if (r < 0) {
                ErrnoException e = Native.error("bind(fd=" + fd + ", 127.0.0.1:" + port + ")", st);
                Unistd.close(fd);
                throw e;
            }
            try {
                r = (int) LISTEN.invokeExact(st, fd, backlog);
            } catch (Throwable t) {
                throw Native.linkageFailure(t);
            }
            if (r < 0) {
                ErrnoException e = Native.error("listen", fd, st);
                Unistd.close(fd);
                throw e;
            }
        }
        return fd;
    }

    /**
     * Accepts one connection, non-blocking and close-on-exec, with TCP_NODELAY set.
     *
     * @param listenFd the listening fd
     * @param scratch  at least 4 bytes for setsockopt's value
     * @return the new fd, or -1 when none is pending (EAGAIN)
     * @throws ErrnoException on any other error
     */
    static int accept(int listenFd, MemorySegment scratch) throws ErrnoException {
        MemorySegment st = Native.errnoState();
        while (true) {
            int fd;
            try {
                fd = (int) ACCEPT4.invokeExact(st, listenFd, MemorySegment.NULL, MemorySegment.NULL,
                        SOCK_NONBLOCK | SOCK_CLOEXEC);
            } catch (Throwable t) {
                throw Native.linkageFailure(t);
            }
            if (fd >= 0) {
                scratch.set(ValueLayout.JAVA_INT, 0, 1);
                setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, scratch);
                return fd;
            }
            int e = Native.errno(st);
            // ECONNABORTED: the client gave up before we accepted; try the next one.
            if (e == Errno.EAGAIN) {
                return -1;
            }
            if (e != Errno.EINTR && e != 103 /* ECONNABORTED */) {
                throw Native.error("accept4", listenFd, st);
            }
        }
    }

    /**
     * Writes {@code len} bytes starting at a native address inside a segment the caller owns.
     *
     * @param fd   the descriptor
     * @param buf  the segment holding the bytes (bounds-checked here)
     * @param off  offset of the first byte in buf
     * @param len  how many bytes
     * @return the count written, or {@link Unistd#WOULD_BLOCK}
     * @throws ErrnoException on an error other than EAGAIN (EPIPE, ECONNRESET: the peer went away)
     */
    static long write(int fd, MemorySegment buf, long off, long len) throws ErrnoException {
        java.util.Objects.checkFromIndexSize(off, len, buf.byteSize());
        MemorySegment st = Native.errnoState();
        long address = buf.address() + off;
        while (true) {
            long n;
            try {
                n = (long) WRITE_ADDR.invokeExact(st, fd, address, len);
            } catch (Throwable t) {
                throw Native.linkageFailure(t);
            }
            if (n >= 0) {
                return n;
            }
            int e = Native.errno(st);
            if (e == Errno.EAGAIN) {
                return Unistd.WOULD_BLOCK;
            }
            if (e != Errno.EINTR) {
                throw Native.error("write", fd, st);
            }
        }
    }

    private static void setIntOption(int fd, int level, int name, int value, Arena arena) throws ErrnoException {
        MemorySegment v = arena.allocate(C_INT);
        v.set(C_INT, 0, value);
        setsockopt(fd, level, name, v);
    }

    private static void setsockopt(int fd, int level, int name, MemorySegment value) throws ErrnoException {
        MemorySegment st = Native.errnoState();
        int r;
        try {
            r = (int) SETSOCKOPT.invokeExact(st, fd, level, name, value, 4);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        if (r < 0) {
            throw Native.error("setsockopt(fd=" + fd + ", level=" + level + ", name=" + name + ")", st);
        }
    }
}
