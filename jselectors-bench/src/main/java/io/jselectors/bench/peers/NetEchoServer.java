package io.jselectors.bench.peers;

import io.jselectors.EpollSelector;
import io.jselectors.ReadyHandler;
import io.jselectors.Selector;
import io.jselectors.SelectorKey;
import io.jselectors.net.ListeningSocket;
import io.jselectors.net.StreamSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The jselectors sockets peer: {@link SelectorEchoServer}'s loop on the library's own sockets layer
 * ({@link ListeningSocket}, {@link StreamSocket} with direct {@link ByteBuffer}s) instead of raw fds, so
 * the two side by side show what that layer costs per message.
 */
public final class NetEchoServer implements ReadyHandler {
    private final ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
    private final Selector selector;
    private final ListeningSocket listener;

    /** One connection: the socket and what it has not taken yet (null when nothing is pending). */
    private static final class Conn {
        final StreamSocket socket;
        ByteBuffer pending;

        Conn(StreamSocket socket) {
            this.socket = socket;
        }
    }

    private NetEchoServer(int port) throws IOException {
        selector = EpollSelector.open();
        listener = ListeningSocket.bind(new InetSocketAddress("127.0.0.1", port));
        selector.register(listener, Selector.EVENT_READ);
    }

    /**
     * Runs the server until the process is killed.
     *
     * @param port the port on 127.0.0.1
     * @throws IOException if the listening socket cannot be made or the selector fails
     */
    public static void run(int port) throws IOException {
        NetEchoServer server = new NetEchoServer(port);
        System.out.println("listening on 127.0.0.1:" + port + " (jselectors EpollSelector + io.jselectors.net, 1 loop)");
        System.out.flush();
        while (true) {
            server.selector.select(null, server);
        }
    }

    @Override
    public void ready(SelectorKey key, int events) {
        if (!(key.data() instanceof Conn c)) {
            try {
                StreamSocket s;
                while ((s = listener.accept()) != null) {
                    s.setTcpNoDelay(true);
                    selector.register(s, Selector.EVENT_READ, new Conn(s));
                }
            } catch (IOException e) {
                throw new IllegalStateException("accept failed", e);
            }
            return;
        }
        try {
            if (c.pending != null) {
                c.socket.write(c.pending);
                if (!c.pending.hasRemaining()) {
                    c.pending = null;
                    selector.modify(c.socket, Selector.EVENT_READ, c);
                }
                return;
            }
            buf.clear();
            int n = c.socket.read(buf);
            if (n < 0) {
                drop(c);
                return;
            }
            if (n == 0) {
                return;
            }
            buf.flip();
            c.socket.write(buf);
            if (buf.hasRemaining()) {
                c.pending = ByteBuffer.allocateDirect(buf.remaining()).put(buf).flip();
                selector.modify(c.socket, Selector.EVENT_WRITE, c);
            }
        } catch (IOException e) {
            drop(c); // ECONNRESET, EPIPE: the client went away
        }
    }

    private void drop(Conn c) {
        try {
            selector.unregister(c.socket);
            c.socket.close();
        } catch (IOException e) {
            System.err.println("close " + c.socket + ": " + e.getMessage());
        }
    }
}
