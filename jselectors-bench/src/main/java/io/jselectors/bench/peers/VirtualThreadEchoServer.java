package io.jselectors.bench.peers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The virtual-thread peer: blocking {@link java.net.Socket} code, one virtual thread per connection,
 * the JDK's own poller underneath. Blocking writes handle partial writes by themselves.
 */
public final class VirtualThreadEchoServer {
    private VirtualThreadEchoServer() {}

    /**
     * Runs the server until the process is killed.
     *
     * @param port the port on 127.0.0.1
     * @throws IOException if binding fails
     */
    public static void run(int port) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new java.net.InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 4096);
        System.out.println("listening on 127.0.0.1:" + port + " (virtual thread per connection)");
        System.out.flush();
        while (true) {
            Socket s = server.accept();
            Thread.ofVirtual().start(() -> serve(s));
        }
    }

    private static void serve(Socket s) {
        byte[] buf = new byte[16 * 1024];
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            s.setTcpNoDelay(true);
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // the client went away: nothing to do
        }
    }
}
