package io.jselectors.bench.waiters;

import io.jselectors.net.StreamSocket;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jselectors-bench waiters --kind readiness|jdk --threads 10000}: parks that many virtual threads, each
 * in a blocking one-byte read of its own Unix socket (socketpairs: two waiting threads per pair), then prints
 * the process's OS threads and resident memory, wakes them all and prints how long that took. {@code
 * readiness}: our {@code StreamSocket.pair()} and {@code inputStream().read()} on {@code Readiness};
 * {@code jdk}: {@code SocketChannel} pairs over a Unix listener and {@code read(ByteBuffer)} on the JDK's
 * poller. Run each kind in its own process for a fair memory figure.
 */
@Command(name = "waiters", mixinStandardHelpOptions = true,
        description = "OS threads and memory with N virtual threads waiting on their own fds (readiness or jdk).")
public final class WaitersCommand implements Callable<Integer> {
    @Option(names = "--kind", required = true, description = "readiness or jdk")
    String kind;

    @Option(names = "--threads", defaultValue = "10000", description = "Waiting virtual threads, even (default ${DEFAULT-VALUE}).")
    int threads;

    /** One end of a pair, read by one virtual thread. */
    private interface End {
        int readOne() throws IOException;

        void writeOne() throws IOException;
    }

    @Override
    public Integer call() throws Exception {
        if (!kind.equals("readiness") && !kind.equals("jdk")) {
            System.err.println("waiters: --kind readiness or jdk");
            return 2;
        }
        int n = threads & ~1;
        Thread.sleep(300);
        long rssBefore = residentKiB();
        int osBefore = osThreads();
        List<End> ends = kind.equals("readiness") ? ourPairs(n) : jdkPairs(n);
        AtomicInteger parked = new AtomicInteger();
        CountDownLatch woke = new CountDownLatch(n);
        for (End e : ends) {
            Thread.ofVirtual().start(() -> {
                parked.incrementAndGet();
                try {
                    if (e.readOne() == 1) {
                        woke.countDown();
                    }
                } catch (IOException ex) {
                    ex.printStackTrace();
                }
            });
        }
        while (parked.get() < n) {
            Thread.sleep(10);
        }
        Thread.sleep(1000);
        System.gc();
        Thread.sleep(300);
        int osWaiting = osThreads();
        long rssWaiting = residentKiB();
        long t0 = System.nanoTime();
        for (End e : ends) {
            e.writeOne(); // wakes the thread on the other end of the pair
        }
        if (!woke.await(60, TimeUnit.SECONDS)) {
            System.err.println(woke.getCount() + " threads did not wake");
            return 1;
        }
        long wakeMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("kind=%s threads=%d os-threads-before=%d os-threads-waiting=%d rss-before-mib=%.1f "
                        + "rss-waiting-mib=%.1f rss-added-kib-per-thread=%.1f wake-all-ms=%d%n",
                kind, n, osBefore, osWaiting, rssBefore / 1024.0, rssWaiting / 1024.0,
                (rssWaiting - rssBefore) / (double) n, wakeMs);
        return 0;
    }

    private static List<End> ourPairs(int n) throws IOException {
        List<End> ends = new ArrayList<>(n);
        for (int i = 0; i < n; i += 2) {
            StreamSocket[] pair = StreamSocket.pair();
            for (int k = 0; k < 2; k++) {
                StreamSocket s = pair[k];
                InputStream in = s.inputStream();
                ends.add(new End() {
                    @Override
                    public int readOne() throws IOException {
                        return in.read() >= 0 ? 1 : -1;
                    }

                    @Override
                    public void writeOne() throws IOException {
                        s.write(ByteBuffer.wrap(new byte[] {1}));
                    }
                });
            }
        }
        return ends;
    }

    private static List<End> jdkPairs(int n) throws IOException {
        Path dir = Files.createTempDirectory("waiters");
        Path sock = dir.resolve("s");
        List<End> ends = new ArrayList<>(n);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock), 4096);
            for (int i = 0; i < n; i += 2) {
                SocketChannel a = SocketChannel.open(UnixDomainSocketAddress.of(sock));
                SocketChannel b = server.accept();
                for (SocketChannel c : new SocketChannel[] {a, b}) {
                    ends.add(new End() {
                        @Override
                        public int readOne() throws IOException {
                            return c.read(ByteBuffer.allocate(1));
                        }

                        @Override
                        public void writeOne() throws IOException {
                            c.write(ByteBuffer.wrap(new byte[] {1}));
                        }
                    });
                }
            }
        } finally {
            Files.deleteIfExists(sock);
            Files.deleteIfExists(dir);
        }
        return ends;
    }

    private static int osThreads() throws IOException {
        try (var list = Files.list(Path.of("/proc/self/task"))) {
            return (int) list.count();
        }
    }

    private static long residentKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
