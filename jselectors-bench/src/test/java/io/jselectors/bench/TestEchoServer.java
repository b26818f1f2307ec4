package io.jselectors.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/** A thread-per-connection echo server for tests, which can misbehave on purpose. */
final class TestEchoServer implements AutoCloseable {
    enum Mode {
        /** Echoes faithfully. */
        ECHO,
        /** Flips one bit of the byte at server-wide offset {@code at}. */
        CORRUPT,
        /** Closes the connection that carries server-wide byte {@code at}. */
        CLOSE,
        /** Sends one byte nobody asked for on every connection as soon as it is accepted. */
        CHATTY
    }

    private final ServerSocket server;
    private final Mode mode;
    private final long at;
    private final AtomicLong total = new AtomicLong();
    private final Thread acceptor;

    TestEchoServer(Mode mode, long at) throws IOException {
        this.mode = mode;
        this.at = at;
        server = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofPlatform().daemon().start(this::acceptLoop);
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread.ofPlatform().daemon().start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        byte[] buf = new byte[8192];
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            s.setTcpNoDelay(true);
            if (mode == Mode.CHATTY) {
                out.write(7);
                out.flush();
            }
            int n;
            while ((n = in.read(buf)) > 0) {
                long start = total.getAndAdd(n);
                if (start <= at && at < start + n) {
                    if (mode == Mode.CORRUPT) {
                        buf[(int) (at - start)] ^= 0x10;
                    } else if (mode == Mode.CLOSE) {
                        return;
                    }
                }
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // the client closed: done
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // keep the interrupt for the test runner
        }
    }
}
