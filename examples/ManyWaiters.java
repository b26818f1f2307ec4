import io.jselectors.net.StreamSocket;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * 10,000 virtual threads, each blocked in a plain java.io read on its own file descriptor (one end of a
 * socketpair: 5,000 pairs, 10,000 fds), and how few OS threads that takes.
 */
public class ManyWaiters {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int osThreadsBefore = osThreads();
        StreamSocket[] sockets = new StreamSocket[n];
        for (int i = 0; i < n; i += 2) {
            StreamSocket[] pair = StreamSocket.pair();
            sockets[i] = pair[0];
            sockets[i + 1] = pair[1];
        }
        AtomicInteger started = new AtomicInteger();
        CountDownLatch woke = new CountDownLatch(n);
        for (StreamSocket s : sockets) {
            Thread.ofVirtual().start(() -> {
                InputStream in = s.inputStream();
                started.incrementAndGet();
                try {
                    if (in.read() == '!') {   // parks here: the carrier runs other virtual threads
                        woke.countDown();
                    }
                } catch (IOException e) {
                    e.printStackTrace();
                }
            });
        }
        while (started.get() < n) {
            Thread.sleep(10);
        }
        Thread.sleep(500); // let the last ones park
        System.out.println(n + " virtual threads waiting, OS threads: " + osThreadsBefore + " before, "
                + osThreads() + " now");
        System.out.println("resident memory: " + residentMiB() + " MiB");
        for (int i = 0; i < n; i += 2) {   // one byte each way wakes both ends of a pair
            sockets[i].write(ByteBuffer.wrap(new byte[] {'!'}));
            sockets[i + 1].write(ByteBuffer.wrap(new byte[] {'!'}));
        }
        if (!woke.await(60, TimeUnit.SECONDS)) {
            throw new AssertionError(woke.getCount() + " threads did not wake");
        }
        System.out.println("all " + n + " woke");
        for (StreamSocket s : sockets) {
            s.close();
        }
    }

    /** @return this process's OS threads (Linux), or -1 where /proc is missing */
    static int osThreads() throws IOException {
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return -1;
        }
        try (var list = Files.list(tasks)) {
            return (int) list.count();
        }
    }

    /** @return VmRSS in MiB (Linux), or -1 */
    static long residentMiB() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }
}
