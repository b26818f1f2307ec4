package io.jselectors.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.internal.os.Fcntl;
import io.jselectors.testsupport.ForeignSegment;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Memory handed to reads and writes must be alive for the whole call and belong to the caller: segments
 * of closed arenas and confined segments of other threads are refused with the JDK's own exceptions
 * before anything reaches the kernel, the arenas of a gathering write stay open until it returns, and
 * a read never writes into read-only memory.
 */
class MemorySafetyTest extends FdCheck {

    /** Two freed segments, their memory given to another arena: a gathering write must not send it. */
    @Test
    void gatheringWriteOfFreedSegmentsIsRefused() throws Exception {
        StreamSocket[] p = StreamSocket.pair();
        try (Pipe pipe = Pipe.open(); Arena other = Arena.ofConfined()) {
            Arena gone = Arena.ofConfined();
            MemorySegment s1 = gone.allocate(64).fill((byte) 'a');
            MemorySegment s2 = gone.allocate(64).fill((byte) 'b');
            gone.close();
            other.allocate(64).fill((byte) 'X');
            other.allocate(64).fill((byte) 'Y');
            MemorySegment[] srcs = {s1, s2};

            assertThatThrownBy(() -> p[0].write(srcs, 0, 2)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> pipe.sink().write(srcs, 0, 2)).isInstanceOf(IllegalStateException.class);
            // also behind a live heap segment, which is staged first
            MemorySegment[] mixed = {MemorySegment.ofArray(new byte[] {1, 2}), s1};
            assertThatThrownBy(() -> p[0].write(mixed, 0, 2)).isInstanceOf(IllegalStateException.class);
            ByteBuffer[] bufs = {s1.asByteBuffer(), s2.asByteBuffer()};
            assertThatThrownBy(() -> p[0].write(bufs, 0, 2)).isInstanceOf(IllegalStateException.class);

            assertThat(p[1].read(ByteBuffer.allocate(256))).as("bytes the peer got").isZero();
            assertThat(pipe.source().read(ByteBuffer.allocate(256))).as("bytes the pipe got").isZero();
        } finally {
            p[0].close();
            p[1].close();
        }
    }

    /** A single segment of a closed arena: the JDK's exception, not an AssertionError. */
    @Test
    void writeAndReadOfAFreedSegmentThrowIllegalStateException() throws Exception {
        StreamSocket[] p = StreamSocket.pair();
        try {
            Arena gone = Arena.ofShared();
            MemorySegment s = gone.allocate(16);
            gone.close();
            assertThatThrownBy(() -> p[0].write(s)).isExactlyInstanceOf(IllegalStateException.class);
            p[1].write(ByteBuffer.wrap(new byte[] {7}));
            assertThatThrownBy(() -> p[0].read(s)).isExactlyInstanceOf(IllegalStateException.class);
            assertThat(Conn.readFully(p[0], 1)).as("the byte is still there").containsExactly(7);
        } finally {
            p[0].close();
            p[1].close();
        }
    }

    /** Confined memory of another thread: WrongThreadException, whichever call it goes to. */
    @Test
    void confinedSegmentOfAnotherThreadThrowsWrongThreadException() throws Exception {
        StreamSocket[] p = StreamSocket.pair();
        ForeignSegment foreign = new ForeignSegment(8);
        try {
            MemorySegment seg = foreign.segment();
            assertThatThrownBy(() -> p[0].write(seg)).isExactlyInstanceOf(WrongThreadException.class);
            assertThatThrownBy(() -> p[0].write(new MemorySegment[] {seg, seg}, 0, 2))
                    .isExactlyInstanceOf(WrongThreadException.class);
            assertThatThrownBy(() -> p[0].read(seg)).isExactlyInstanceOf(WrongThreadException.class);
            assertThat(p[1].read(ByteBuffer.allocate(64))).as("bytes the peer got").isZero();
        } finally {
            foreign.close();
            p[0].close();
            p[1].close();
        }
    }

    /**
     * A shared arena closed by another thread while a gathering write is in the kernel: the close fails,
     * and the write sends the bytes it was given. The pipe's write end is made blocking and the pipe
     * filled, so that the write waits in the kernel for as long as the test needs.
     */
    @Test
    void sharedArenaStaysOpenDuringAGatheringWrite() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            ByteBuffer filler = ByteBuffer.allocateDirect(64 * 1024);
            long queued = 0;
            long w;
            while ((w = pipe.sink().write(filler.clear())) > 0) {
                queued += w;
            }
            Fcntl.setNonBlocking(pipe.sink().fileno(), false);
            Arena shared = Arena.ofShared();
            MemorySegment s1 = shared.allocate(100).fill((byte) 'A');
            MemorySegment s2 = shared.allocate(100).fill((byte) 'B');
            CompletableFuture<Long> written = CompletableFuture.supplyAsync(() -> {
                try {
                    return pipe.sink().write(new MemorySegment[] {s1, s2}, 0, 2);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(200); // the writer is now blocked in writev/sendmsg
            assertThat(written).as("the write waits for room in the pipe").isNotDone();
            assertThatThrownBy(shared::close)
                    .as("closing the arena of a segment the kernel is reading")
                    .isInstanceOf(IllegalStateException.class);

            byte[] all = new byte[(int) queued + 200];
            int got = 0;
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (got < all.length && System.nanoTime() < deadline) {
                in.clear();
                int r = pipe.source().read(in);
                in.flip();
                in.get(all, got, r);
                got += r;
            }
            assertThat(written.get(5, TimeUnit.SECONDS)).isEqualTo(200);
            byte[] tail = Arrays.copyOfRange(all, (int) queued, all.length);
            byte[] expected = new byte[200];
            Arrays.fill(expected, 0, 100, (byte) 'A');
            Arrays.fill(expected, 100, 200, (byte) 'B');
            assertThat(tail).isEqualTo(expected);
            shared.close(); // free now that the write is done
        }
    }

    /** A read-only destination is refused before the socket is touched; no byte is lost or written. */
    @Test
    void readIntoReadOnlySegmentIsRefusedAndLosesNothing() throws Exception {
        StreamSocket[] p = StreamSocket.pair();
        try (Arena arena = Arena.ofConfined()) {
            p[1].write(ByteBuffer.wrap("0123456789".getBytes()));
            MemorySegment heap = MemorySegment.ofArray(new byte[16]).asReadOnly();
            MemorySegment nat = arena.allocate(16).asReadOnly();
            assertThatThrownBy(() -> p[0].read(heap)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("read-only");
            assertThatThrownBy(() -> p[0].read(nat)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("read-only");
            assertThat(nat.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)).containsOnly(0);
            assertThat(new String(Conn.readFully(p[0], 10))).isEqualTo("0123456789");
        } finally {
            p[0].close();
            p[1].close();
        }
    }
}
