package io.jselectors.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Reads and writes of native segments and direct buffers allocate nothing once compiled. Measured with
 * the thread's allocation counter over many round trips on a socketpair after a warm-up.
 */
class SteadyStateAllocationTest extends FdCheck {
    // Through reflection: the test sources compile inside module io.jselectors, which does not read
    // jdk.management; at run time the tests are on the class path.
    private static final Object THREADS;
    private static final Method ALLOCATED;

    static {
        try {
            THREADS = Class.forName("java.lang.management.ManagementFactory")
                    .getMethod("getThreadMXBean")
                    .invoke(null);
            ALLOCATED = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static long allocated() throws ReflectiveOperationException {
        return (long) ALLOCATED.invoke(THREADS);
    }

    interface Op {
        void run() throws Exception;
    }

    /** The least bytes per op over up to 5 rounds of 100k ops, stopping at the first clean round (JIT warm-up). */
    static double bytesPerOp(Op op) throws Exception {
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 5 && best >= 1.0; round++) {
            for (int i = 0; i < 100_000; i++) {
                op.run();
            }
            int n = 100_000;
            long before = allocated();
            for (int i = 0; i < n; i++) {
                op.run();
            }
            best = Math.min(best, (allocated() - before) / (double) n);
        }
        return best;
    }

    @Test
    void nativeSegmentsAndDirectBuffersDoNotAllocate() throws Exception {
        StreamSocket[] p = StreamSocket.pair();
        try (Arena arena = Arena.ofConfined()) {
            StreamSocket a = p[0], b = p[1];
            MemorySegment out = arena.allocate(64).fill((byte) 1);
            MemorySegment in = arena.allocate(64);
            MemorySegment[] gather = {out.asSlice(0, 32), out.asSlice(32, 32)};
            ByteBuffer dOut = ByteBuffer.allocateDirect(64);
            ByteBuffer dIn = ByteBuffer.allocateDirect(64);
            ByteBuffer[] dGather = {ByteBuffer.allocateDirect(32), ByteBuffer.allocateDirect(32)};

            double seg = bytesPerOp(() -> {
                a.write(out);
                b.read(in);
            });
            double segGather = bytesPerOp(() -> {
                a.write(gather, 0, 2);
                b.read(in);
            });
            double direct = bytesPerOp(() -> {
                dOut.clear();
                a.write(dOut);
                dIn.clear();
                b.read(dIn);
            });
            double directGather = bytesPerOp(() -> {
                dGather[0].clear();
                dGather[1].clear();
                a.write(dGather, 0, 2);
                dIn.clear();
                b.read(dIn);
            });
            System.out.printf("bytes allocated per write+read round trip: segment %.2f, segment gather %.2f, "
                    + "direct buffer %.2f, direct gather %.2f%n", seg, segGather, direct, directGather);
            assertThat(seg).as("segment write+read").isLessThan(1.0);
            assertThat(segGather).as("segment gathering write+read").isLessThan(1.0);
            assertThat(direct).as("direct buffer write+read").isLessThan(1.0);
            assertThat(directGather).as("direct buffer gathering write+read").isLessThan(1.0);
        } finally {
            p[0].close();
            p[1].close();
        }
    }
}
