package io.jselectors.bench.peers;

import io.jselectors.EpollSelector;
import io.jselectors.ReadyHandler;
import io.jselectors.Selector;
import io.jselectors.SelectorKey;
import io.jselectors.internal.os.Unistd;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The jselectors peer: an echo server written straight on {@link EpollSelector} and the raw OS
 * bindings, one thread, level-triggered. Reads into one shared native buffer and writes it back; what
 * the socket does not take is kept in the connection's own buffer, and the connection stops reading
 * until that is flushed (so a client that does not read cannot grow our memory).
 */
public final class SelectorEchoServer implements ReadyHandler {
    private static final int BUFFER = 64 * 1024;

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment readBuf = arena.allocate(BUFFER, 64);
    private final MemorySegment scratch = arena.allocate(8);
    private final Selector selector;
    private final int listenFd;

    /** One accepted connection: its fd and the bytes the socket has not taken yet. */
    private static final class Conn {
        final int fd;
        Arena pendingArena;
        MemorySegment pending;
        long pendingStart;
        long pendingEnd;

        Conn(int fd) {
            this.fd = fd;
        }
    }

    private SelectorEchoServer(int port) throws IOException {
        selector = EpollSelector.open();
        listenFd = RawSockets.listenLoopback(port, 4096);
        selector.register(listenFd, Selector.EVENT_READ);
    }

    /**
     * Runs the server until the process is killed.
     *
     * @param port the port on 127.0.0.1
     * @throws IOException if the listening socket cannot be made or the selector fails
     */
    public static void run(int port) throws IOException {
        SelectorEchoServer server = new SelectorEchoServer(port);
        System.out.println("listening on 127.0.0.1:" + port + " (jselectors EpollSelector, 1 loop)");
        System.out.flush();
        while (true) {
            server.selector.select(null, server);
        }
    }

    @Override
    public void ready(SelectorKey key, int events) {
        try {
            if (key.data() == null) {
                acceptAll();
            } else {
                Conn c = (Conn) key.data();
                if ((events & Selector.EVENT_WRITE) != 0 && c.pending != null && c.pendingEnd > c.pendingStart) {
                    flush(c);
                } else if ((events & Selector.EVENT_READ) != 0) {
                    echo(c);
                }
            }
        } catch (IOException e) {
            if (key.data() instanceof Conn c) {
                drop(c); // ECONNRESET, EPIPE: the client went away
            } else {
                throw new IllegalStateException("accept failed", e);
            }
        }
    }

    private void acceptAll() throws IOException {
        int fd;
        while ((fd = RawSockets.accept(listenFd, scratch)) >= 0) {
            selector.register(fd, Selector.EVENT_READ, new Conn(fd));
        }
    }

    private void echo(Conn c) throws IOException {
        long n = Unistd.read(c.fd, readBuf);
        if (n == Unistd.WOULD_BLOCK) {
            return;
        }
        if (n == 0) {
            drop(c);
            return;
        }
        long w = RawSockets.write(c.fd, readBuf, 0, n);
        if (w == Unistd.WOULD_BLOCK) {
            w = 0;
        }
        if (w < n) {
            keep(c, w, n);
        }
    }

    /** Saves readBuf[from, to) for later and waits for the socket to be writable. */
    private void keep(Conn c, long from, long to) throws IOException {
        if (c.pending == null) {
            c.pendingArena = Arena.ofConfined();
            c.pending = c.pendingArena.allocate(BUFFER, 64);
        }
        MemorySegment.copy(readBuf, from, c.pending, 0, to - from);
        c.pendingStart = 0;
        c.pendingEnd = to - from;
        selector.modify(c.fd, Selector.EVENT_WRITE, c);
    }

    private void flush(Conn c) throws IOException {
        long w = RawSockets.write(c.fd, c.pending, c.pendingStart, c.pendingEnd - c.pendingStart);
        if (w > 0) {
            c.pendingStart += w;
        }
        if (c.pendingStart == c.pendingEnd) {
            selector.modify(c.fd, Selector.EVENT_READ, c);
        }
    }

    private void drop(Conn c) {
        try {
            selector.unregister(c.fd);
            Unistd.close(c.fd);
        } catch (IOException e) {
            System.err.println("close fd " + c.fd + ": " + e.getMessage());
        }
        if (c.pendingArena != null) {
            c.pendingArena.close();
        }
    }
}
