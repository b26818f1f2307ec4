package io.jselectors.net;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Run in a JVM of its own with {@code -XX:NativeMemoryTracking=summary} by {@link HeapIoStressTest}:
 * thousands of virtual threads each write one heap byte to a socket and read it back (so each goes
 * through the heap staging path), first all alive at once, then one after another, short-lived. Prints
 * how much the native memory the JDK's NMT counts under "Other" (where every arena's memory goes) grew
 * over each phase, and how many garbage collections ran, as {@code key=value} lines.
 */
public final class HeapIoStress {
    private static final int PAIRS = 64;

    private HeapIoStress() {}

    public static void main(String[] args) throws Exception {
        int live = Integer.parseInt(args[0]);
        int sequential = Integer.parseInt(args[1]);
        BlockingQueue<StreamSocket[]> pairs = new ArrayBlockingQueue<>(PAIRS);
        for (int i = 0; i < PAIRS; i++) {
            pairs.add(StreamSocket.pair());
        }
        // Warm up: the classes, the pool's first sets, the main thread's own per-thread state.
        for (int i = 0; i < 100; i++) {
            roundTrip(pairs);
        }
        long gcBefore = gcCount();
        long base = otherKb();

        CountDownLatch done = new CountDownLatch(live);
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>(live);
        for (int i = 0; i < live; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    roundTrip(pairs);
                    done.countDown();
                    release.await();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        done.await();
        long liveKb = otherKb() - base;
        release.countDown();
        for (Thread t : threads) {
            t.join();
        }
        threads.clear();

        long seqBase = otherKb();
        for (int i = 0; i < sequential; i++) {
            Thread.ofVirtual().start(() -> {
                try {
                    roundTrip(pairs);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }).join();
        }
        long seqKb = otherKb() - seqBase;
        System.out.println("live-threads=" + live);
        System.out.println("live-growth-kb=" + liveKb);
        System.out.println("sequential-threads=" + sequential);
        System.out.println("sequential-growth-kb=" + seqKb);
        System.out.println("pool-live-bytes=" + CallMemory.liveBytes());
        System.out.println("gcs=" + (gcCount() - gcBefore));
        for (StreamSocket[] p : pairs) {
            p[0].close();
            p[1].close();
        }
    }

    private static void roundTrip(BlockingQueue<StreamSocket[]> pairs) throws Exception {
        StreamSocket[] p = pairs.take();
        try {
            if (p[0].write(ByteBuffer.wrap(new byte[] {42})) != 1) {
                throw new AssertionError("a 1-byte write to an empty socket did not go");
            }
            ByteBuffer in = ByteBuffer.allocate(1);
            while (p[1].read(in) == 0) {
                Thread.onSpinWait();
            }
        } finally {
            pairs.put(p);
        }
    }

    /** @return NMT's committed KB for "Other" (Unsafe.allocateMemory, hence every arena) */
    private static long otherKb() throws Exception {
        Object server = Class.forName("java.lang.management.ManagementFactory")
                .getMethod("getPlatformMBeanServer")
                .invoke(null);
        Class<?> objectName = Class.forName("javax.management.ObjectName");
        Object name = objectName.getConstructor(String.class).newInstance("com.sun.management:type=DiagnosticCommand");
        Method invoke = Class.forName("javax.management.MBeanServerConnection")
                .getMethod("invoke", objectName, String.class, Object[].class, String[].class);
        String out = (String) invoke.invoke(server, name, "vmNativeMemory",
                new Object[] {new String[] {"summary", "scale=KB"}}, new String[] {String[].class.getName()});
        Matcher m = Pattern.compile("Other \\(reserved=\\d+KB, committed=(\\d+)KB\\)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no \"Other\" line in NMT's summary (is NMT on?):\n" + out);
        }
        return Long.parseLong(m.group(1));
    }

    private static long gcCount() throws Exception {
        long n = 0;
        List<?> beans = (List<?>) Class.forName("java.lang.management.ManagementFactory")
                .getMethod("getGarbageCollectorMXBeans")
                .invoke(null);
        Method count = Class.forName("java.lang.management.GarbageCollectorMXBean").getMethod("getCollectionCount");
        for (Object b : beans) {
            n += Math.max(0, (long) count.invoke(b));
        }
        return n;
    }
}
