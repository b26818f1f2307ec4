package io.jselectors.echo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A load of echo clients on one JDK NIO thread: each connects, pipelines its messages (random sizes, random
 * bytes) while reading the echo, shuts down its sending side when all is sent, and checks that exactly its
 * bytes come back, in order, followed by the server's close.
 */
final class EchoLoad {
    /** What a run did. */
    record Result(int clients, int messages, long bytes, long nanos, List<String> failures) {
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%d clients, %d messages, %.1f MiB each way in %.2f s",
                    clients, messages, bytes / 1048576.0, nanos / 1e9);
        }
    }

    private static final class Client {
        final int id;
        final byte[] payload;
        final ByteBuffer out;
        long received;
        boolean outputShut;
        boolean done;
        String failure;

        Client(int id, byte[] payload) {
            this.id = id;
            this.payload = payload;
            this.out = ByteBuffer.wrap(payload);
        }
    }

    private EchoLoad() {}

    /** A message size from 1 to max, log-uniform: most are small, some are near max. */
    static int messageSize(SplittableRandom r, int max) {
        double x = Math.exp(r.nextDouble() * Math.log(max));
        return (int) Math.max(1, Math.min(max, Math.round(x)));
    }

    /**
     * Runs the load.
     *
     * @param messages   messages per client
     * @param maxMessage the largest message; the first client sends one of 1 byte and one of exactly this size
     */
    static Result run(InetSocketAddress server, int clients, int messages, int maxMessage, long seed,
                      Duration timeout) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        List<Client> all = new ArrayList<>(clients);
        long total = 0;
        int totalMessages = 0;
        for (int i = 0; i < clients; i++) {
            int[] sizes = new int[messages];
            int len = 0;
            for (int m = 0; m < messages; m++) {
                sizes[m] = messageSize(random, maxMessage);
                if (i == 0 && m == 0) {
                    sizes[m] = 1;
                } else if (i == 0 && m == 1) {
                    sizes[m] = maxMessage;
                }
                len += sizes[m];
            }
            byte[] payload = new byte[len];
            random.nextBytes(payload);
            all.add(new Client(i, payload));
            total += len;
            totalMessages += messages;
        }
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        List<String> failures = new ArrayList<>();
        ByteBuffer in = ByteBuffer.allocate(256 * 1024);
        try (Selector sel = Selector.open()) {
            List<SocketChannel> channels = new ArrayList<>(clients);
            try {
                for (Client c : all) {
                    SocketChannel ch = SocketChannel.open();
                    channels.add(ch);
                    ch.configureBlocking(false);
                    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    ch.connect(server);
                    ch.register(sel, SelectionKey.OP_CONNECT, c);
                }
                int open = clients;
                while (open > 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    sel.select(Math.max(1, Math.min(left / 1_000_000, 1000)));
                    for (SelectionKey key : sel.selectedKeys()) {
                        Client c = (Client) key.attachment();
                        SocketChannel ch = (SocketChannel) key.channel();
                        try {
                            if (key.isConnectable()) {
                                ch.finishConnect();
                                key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                                continue;
                            }
                            if (key.isWritable()) {
                                ch.write(c.out);
                                if (!c.out.hasRemaining()) {
                                    ch.shutdownOutput();
                                    c.outputShut = true;
                                    key.interestOps(SelectionKey.OP_READ);
                                }
                            }
                            if (key.isReadable()) {
                                in.clear();
                                int n = ch.read(in);
                                if (n < 0) {
                                    if (c.received != c.payload.length) {
                                        c.failure = "client " + c.id + ": EOF after " + c.received + " of "
                                                + c.payload.length + " bytes";
                                    } else if (!c.outputShut) {
                                        c.failure = "client " + c.id + ": EOF before it shut its output";
                                    }
                                    c.done = true;
                                } else if (n > 0) {
                                    int off = (int) c.received;
                                    if (off + n > c.payload.length) {
                                        c.failure = "client " + c.id + ": " + (off + n - c.payload.length)
                                                + " bytes more than it sent";
                                        c.done = true;
                                    } else {
                                        int mm = Arrays.mismatch(in.array(), 0, n, c.payload, off, off + n);
                                        if (mm >= 0) {
                                            c.failure = "client " + c.id + ": byte " + (off + mm)
                                                    + " differs from what was sent";
                                            c.done = true;
                                        }
                                        c.received += n;
                                    }
                                }
                            }
                        } catch (IOException e) {
                            c.failure = "client " + c.id + ": " + e + " after " + c.received + " of "
                                    + c.payload.length + " bytes echoed";
                            c.done = true;
                        }
                        if (c.done) {
                            key.cancel();
                            ch.close();
                            open--;
                        }
                    }
                    sel.selectedKeys().clear();
                }
            } finally {
                for (SocketChannel ch : channels) {
                    ch.close();
                }
            }
        }
        long nanos = System.nanoTime() - start;
        for (Client c : all) {
            if (c.failure != null) {
                failures.add(c.failure);
            } else if (!c.done) {
                failures.add("client " + c.id + ": unfinished after " + timeout + ": sent "
                        + c.out.position() + ", received " + c.received + " of " + c.payload.length);
            }
        }
        return new Result(clients, totalMessages, total, nanos, failures);
    }
}
