package io.jselectors.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/** A connected client/server pair over a listener, closed together. */
final class Conn implements AutoCloseable {
    final ListeningSocket listener;
    final StreamSocket client;
    final StreamSocket server;

    private Conn(ListeningSocket listener, StreamSocket client, StreamSocket server) {
        this.listener = listener;
        this.client = client;
        this.server = server;
    }

    static Conn open(SocketAddress bindTo) throws Exception {
        ListeningSocket l = ListeningSocket.bind(bindTo);
        StreamSocket c = null;
        try {
            c = StreamSocket.connect(l.localAddress());
            StreamSocket cc = c;
            FdCheck.await("connect", cc::finishConnect);
            StreamSocket[] s = new StreamSocket[1];
            FdCheck.await("accept", () -> (s[0] = l.accept()) != null);
            assertThat(c.isConnected()).isTrue();
            assertThat(s[0].isConnected()).isTrue();
            return new Conn(l, c, s[0]);
        } catch (Exception | Error e) {
            if (c != null) {
                c.close();
            }
            l.close();
            throw e;
        }
    }

    /** Reads exactly {@code n} bytes from {@code s}, waiting as needed. */
    static byte[] readFully(NativeStream s, int n) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(n);
        FdCheck.await("read " + n + " bytes", () -> {
            int r = s.read(b);
            if (r < 0) {
                throw new AssertionError("early end of stream after " + b.position() + " of " + n + " bytes");
            }
            return !b.hasRemaining();
        });
        return b.array();
    }

    /** Waits for end of stream on {@code s}; fails if data comes instead. */
    static void awaitEof(NativeStream s) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(16);
        FdCheck.await("end of stream", () -> {
            int r = s.read(b);
            assertThat(r).as("bytes where end of stream was expected").isLessThanOrEqualTo(0);
            return r < 0;
        });
    }

    @Override
    public void close() throws IOException {
        try {
            client.close();
            server.close();
        } finally {
            listener.close();
        }
    }
}
