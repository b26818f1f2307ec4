package io.jselectors.bench.jmh;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * A benchmark fixture: n connected loopback TCP socket channels (n/2 pairs, both ends kept), in
 * non-blocking mode, so that the JDK Selector and ours can watch the very same sockets. None is
 * readable until {@link #makeOneReady()} writes a byte into one pair.
 *
 * <p>Our selectors take the channels' fds, read through {@code sun.nio.ch.SelChImpl.getFDVal()}:
 * the JVM needs {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED} (the benchmarks' forks get it).
 */
final class SocketSet implements AutoCloseable {
    private static final MethodHandle GET_FD = fdGetter();

    final List<SocketChannel> channels = new ArrayList<>();

    private SocketSet() {}

    /**
     * @param n how many channels, even and at least 2
     * @return the connected set
     * @throws IOException if a connection fails (out of fds: RLIMIT_NOFILE)
     */
    static SocketSet open(int n) throws IOException {
        if (n < 2 || n % 2 != 0) {
            throw new IllegalArgumentException("n must be even and >= 2, got " + n);
        }
        SocketSet set = new SocketSet();
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0), 4096);
            for (int i = 0; i < n / 2; i++) {
                SocketChannel client = SocketChannel.open(server.getLocalAddress());
                SocketChannel accepted = server.accept();
                client.configureBlocking(false);
                accepted.configureBlocking(false);
                set.channels.add(client);
                set.channels.add(accepted);
            }
        } catch (IOException | RuntimeException e) {
            set.close();
            throw e;
        }
        return set;
    }

    /** Writes one byte into the first pair: exactly one channel (the second) becomes readable. */
    void makeOneReady() throws IOException {
        if (channels.get(0).write(ByteBuffer.wrap(new byte[] {42})) != 1) {
            throw new IOException("could not write the byte that makes one socket ready");
        }
        // Loopback delivers at once, but give the kernel a moment to be sure.
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * @param i channel index
     * @return its file descriptor
     */
    int fd(int i) {
        try {
            return (int) GET_FD.invokeExact((Object) channels.get(i));
        } catch (Throwable t) {
            throw new IllegalStateException("cannot read the fd of a SocketChannel", t);
        }
    }

    @Override
    public void close() throws IOException {
        for (SocketChannel ch : channels) {
            ch.close();
        }
    }

    private static MethodHandle fdGetter() {
        try {
            Class<?> selCh = Class.forName("sun.nio.ch.SelChImpl");
            MethodHandle h = MethodHandles.lookup().findVirtual(selCh, "getFDVal", MethodType.methodType(int.class));
            return h.asType(MethodType.methodType(int.class, Object.class));
        } catch (ReflectiveOperationException | IllegalAccessError e) {
            throw new IllegalStateException("cannot reach sun.nio.ch.SelChImpl.getFDVal(): run the JVM with "
                    + "--add-exports java.base/sun.nio.ch=ALL-UNNAMED", e);
        }
    }
}
