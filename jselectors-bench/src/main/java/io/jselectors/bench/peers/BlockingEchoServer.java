package io.jselectors.bench.peers;

import io.jselectors.net.ListeningSocket;
import io.jselectors.net.StreamSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;

/**
 * The blocking-style jselectors peer: {@link VirtualThreadEchoServer}'s code, one virtual thread per
 * connection with plain {@code java.io} reads and writes, but on the library's {@link StreamSocket} and
 * {@link io.jselectors.Readiness} instead of {@link java.net.Socket} and the JDK's poller.
 */
public final class BlockingEchoServer {
    private BlockingEchoServer() {}

    /**
     * Runs the server until the process is killed.
     *
     * @param port the port on 127.0.0.1
     * @throws IOException if binding fails
     */
    public static void run(int port) throws IOException {
        ListeningSocket server = ListeningSocket.bind(new InetSocketAddress("127.0.0.1", port));
        System.out.println("listening on 127.0.0.1:" + port + " (jselectors StreamSocket + Readiness, virtual thread per connection)");
        System.out.flush();
        while (true) {
            StreamSocket s = server.accept(null);
            Thread.ofVirtual().start(() -> serve(s));
        }
    }

    private static void serve(StreamSocket s) {
        byte[] buf = new byte[16 * 1024];
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = s.inputStream();
            OutputStream out = s.outputStream();
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // the client went away: nothing to do
        }
    }
}
