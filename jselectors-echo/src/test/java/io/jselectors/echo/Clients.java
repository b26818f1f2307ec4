package io.jselectors.echo;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Small blocking clients for the black-box tests. */
final class Clients {
    private Clients() {}

    static InetSocketAddress loopback(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

    /** A connected socket with a read timeout, so a stuck server fails the test instead of hanging it. */
    static Socket connect(int port, int readTimeoutMillis) throws IOException {
        Socket s = new Socket();
        s.setSoTimeout(readTimeoutMillis);
        s.setTcpNoDelay(true);
        s.connect(loopback(port), 10_000);
        return s;
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /** Sends msg and reads back exactly as many bytes, which must be equal to it. */
    static void roundTrip(Socket s, byte[] msg) throws IOException {
        s.getOutputStream().write(msg);
        s.getOutputStream().flush();
        byte[] back = readExactly(s.getInputStream(), msg.length);
        int mm = Arrays.mismatch(back, msg);
        if (mm >= 0) {
            throw new AssertionError("echo differs at byte " + mm + " of " + msg.length);
        }
    }

    /** One connection: sends msg, checks the echo, closes. */
    static void roundTrip(int port, byte[] msg) throws IOException {
        try (Socket s = connect(port, 10_000)) {
            roundTrip(s, msg);
        }
    }

    static byte[] readExactly(InputStream in, int n) throws IOException {
        byte[] b = new byte[n];
        int off = 0;
        while (off < n) {
            int r = in.read(b, off, n - off);
            if (r < 0) {
                throw new IOException("EOF after " + off + " of " + n + " bytes");
            }
            off += r;
        }
        return b;
    }

    /**
     * Waits for the server to end the connection: true for EOF or a reset, false if the socket is still open
     * (the read timed out). Data still arriving is read and dropped.
     */
    static boolean closedByServer(Socket s) throws IOException {
        byte[] sink = new byte[8192];
        try {
            while (true) {
                if (s.getInputStream().read(sink) < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // connection reset
        }
    }
}
