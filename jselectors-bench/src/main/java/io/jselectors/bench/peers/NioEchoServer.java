package io.jselectors.bench.peers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The JDK peer: {@link java.nio.channels.Selector} on one thread, the way most hand-written NIO servers
 * look. One shared direct read buffer; unsent bytes wait in the connection's own buffer while the
 * connection stops reading.
 */
public final class NioEchoServer {
    private static final int BUFFER = 64 * 1024;

    private NioEchoServer() {}

    /**
     * Runs the server until the process is killed.
     *
     * @param port the port on 127.0.0.1
     * @throws IOException if binding or selecting fails
     */
    public static void run(int port) throws IOException {
        Selector selector = Selector.open();
        ServerSocketChannel server = ServerSocketChannel.open();
        server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        server.bind(new InetSocketAddress("127.0.0.1", port), 4096);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
        System.out.println("listening on 127.0.0.1:" + port + " (JDK NIO Selector, 1 thread)");
        System.out.flush();
        while (true) {
            selector.select(key -> {
                try {
                    if (key.isAcceptable()) {
                        SocketChannel ch;
                        while ((ch = server.accept()) != null) {
                            ch.configureBlocking(false);
                            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                            ch.register(selector, SelectionKey.OP_READ);
                        }
                    } else if (key.isWritable()) {
                        SocketChannel ch = (SocketChannel) key.channel();
                        ByteBuffer pending = (ByteBuffer) key.attachment();
                        ch.write(pending);
                        if (!pending.hasRemaining()) {
                            key.attach(null);
                            key.interestOps(SelectionKey.OP_READ);
                        }
                    } else if (key.isReadable()) {
                        SocketChannel ch = (SocketChannel) key.channel();
                        buf.clear();
                        int n = ch.read(buf);
                        if (n < 0) {
                            key.cancel();
                            ch.close();
                            return;
                        }
                        buf.flip();
                        ch.write(buf);
                        if (buf.hasRemaining()) {
                            ByteBuffer pending = ByteBuffer.allocate(buf.remaining());
                            pending.put(buf).flip();
                            key.attach(pending);
                            key.interestOps(SelectionKey.OP_WRITE);
                        }
                    }
                } catch (IOException e) {
                    key.cancel();
                    try {
                        key.channel().close();
                    } catch (IOException ignored) {
                        // already gone
                    }
                }
            });
        }
    }
}
