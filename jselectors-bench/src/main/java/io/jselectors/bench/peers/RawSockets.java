package io.jselectors.bench.peers;

import static io.jselectors.internal.os.Native.C_INT;
import static io.jselectors.internal.os.Native.C_LONG;
import static io.jselectors.internal.os.Native.C_SIZE_T;

import io.jselectors.ErrnoException;
import io.jselectors.internal.os.Errno;
import io.jselectors.internal.os.Native;
import io.jselectors.internal.os.SockAddr;
import io.jselectors.internal.os.Sockets;
import io.jselectors.internal.os.Unistd;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.net.InetSocketAddress;

/**
 * The TCP set-up the jselectors-selector peer needs, on the core's own socket bindings, plus the one
 * call it binds differently: a {@code write} taking an address and a length, so that writing part of a
 * buffer needs no slice object on the hot path. IPv4 loopback only.
 */
final class RawSockets {
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
        int fd = Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC, 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment scratch = arena.allocate(SockAddr.STORAGE_SIZE);
            check(Sockets.setsockoptIntRaw(fd, Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR, 1, scratch),
                    "setsockopt(SO_REUSEADDR, fd=" + fd + ")");
            int len = SockAddr.encode(new InetSocketAddress("127.0.0.1", port), scratch);
            check(Sockets.bindRaw(fd, scratch, len), "bind(fd=" + fd + ", 127.0.0.1:" + port + ")");
            Sockets.listen(fd, backlog);
        } catch (ErrnoException | RuntimeException e) {
            Unistd.close(fd);
            throw e;
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
        int fd = Sockets.accept4(listenFd, Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC);
        if (fd >= 0) {
            check(Sockets.setsockoptIntRaw(fd, Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY, 1, scratch),
                    "setsockopt(TCP_NODELAY, fd=" + fd + ")");
        }
        return fd;
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
        long r;
        do {
            long n;
            try {
                n = (long) WRITE_ADDR.invokeExact(st, fd, address, len);
            } catch (Throwable t) {
                throw Native.linkageFailure(t);
            }
            r = Native.ioResult(n, "write", fd, st);
        } while (r == Native.RETRY);
        return r;
    }

    private static void check(int errno, String call) throws ErrnoException {
        if (errno != 0) {
            throw Errno.exception(call, errno);
        }
    }
}
