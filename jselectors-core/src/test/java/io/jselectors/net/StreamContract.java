package io.jselectors.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What every connected stream socket does, whatever its family. Subclasses say where to listen. */
abstract class StreamContract extends FdCheck {
    /** @return the address to bind a listener to (port 0 for TCP) */
    abstract SocketAddress bindAddress() throws Exception;

    Conn open() throws Exception {
        return Conn.open(bindAddress());
    }

    @Test
    void heapDirectAndSegmentRoundTrip() throws Exception {
        try (Conn c = open(); Arena arena = Arena.ofConfined()) {
            // heap ByteBuffer out, direct ByteBuffer in
            ByteBuffer heap = ByteBuffer.wrap("hello heap".getBytes(StandardCharsets.US_ASCII));
            assertThat(c.client.write(heap)).isEqualTo(10);
            assertThat(heap.hasRemaining()).isFalse();
            ByteBuffer direct = ByteBuffer.allocateDirect(64);
            await("direct read", () -> c.server.read(direct) > 0 && direct.position() == 10);
            direct.flip();
            byte[] got = new byte[direct.remaining()];
            direct.get(got);
            assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo("hello heap");

            // direct ByteBuffer out (with a nonzero position), heap ByteBuffer in (with an offset)
            ByteBuffer out = ByteBuffer.allocateDirect(32);
            out.put("xxdirect!".getBytes(StandardCharsets.US_ASCII)).flip().position(2);
            assertThat(c.server.write(out)).isEqualTo(7);
            assertThat(out.position()).isEqualTo(9);
            ByteBuffer in = ByteBuffer.wrap(new byte[20], 3, 10).slice();
            await("heap read", () -> c.client.read(in) > 0 && in.position() == 7);
            assertThat(new String(in.array(), in.arrayOffset(), 7, StandardCharsets.US_ASCII)).isEqualTo("direct!");

            // native segment out, heap segment in, and the reverse
            MemorySegment seg = arena.allocateFrom("segment", StandardCharsets.US_ASCII); // 8 bytes with NUL
            assertThat(c.client.write(seg)).isEqualTo(8);
            byte[] heapDst = new byte[8];
            await("heap segment read", () -> c.server.read(MemorySegment.ofArray(heapDst)) == 8);
            assertThat(new String(heapDst, 0, 7, StandardCharsets.US_ASCII)).isEqualTo("segment");
            assertThat(c.server.write(MemorySegment.ofArray("back".getBytes(StandardCharsets.US_ASCII)))).isEqualTo(4);
            MemorySegment nativeDst = arena.allocate(16);
            await("native read", () -> c.client.read(nativeDst) == 4);
            assertThat(nativeDst.getString(0, StandardCharsets.US_ASCII)).startsWith("back");

            // nothing to read: 0, not -1, and no exception
            assertThat(c.client.read(ByteBuffer.allocate(8))).isZero();
            assertThat(c.client.read(nativeDst)).isZero();
            // empty destinations and sources
            assertThat(c.client.read(ByteBuffer.allocate(0))).isZero();
            assertThat(c.client.write(MemorySegment.NULL)).isZero();
        }
    }

    @Test
    void halfCloseEachWay() throws Exception {
        try (Conn c = open()) {
            // client stops writing: the server reads end of stream but can still write back
            c.client.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            c.client.shutdownOutput();
            assertThat(Conn.readFully(c.server, 3)).containsExactly(1, 2, 3);
            Conn.awaitEof(c.server);
            assertThat(c.server.write(ByteBuffer.wrap(new byte[] {4, 5}))).isEqualTo(2);
            assertThat(Conn.readFully(c.client, 2)).containsExactly(4, 5);
            assertThatThrownBy(() -> c.client.write(ByteBuffer.wrap(new byte[] {9})))
                    .isInstanceOf(io.jselectors.ErrnoException.class)
                    .hasMessageContaining("EPIPE");

            // and the other way: the server stops writing, the client reads end of stream
            c.server.shutdownOutput();
            Conn.awaitEof(c.client);
        }
        try (Conn c = open()) {
            c.server.shutdownOutput();
            Conn.awaitEof(c.client);
            assertThat(c.client.write(ByteBuffer.wrap(new byte[] {7}))).isEqualTo(1);
            assertThat(Conn.readFully(c.server, 1)).containsExactly(7);
            // shutting down our own input: our reads see end of stream at once
            c.server.shutdownInput();
            assertThat(c.server.read(ByteBuffer.allocate(4))).isEqualTo(-1);
        }
    }

    @Test
    void gatheringWriteOfBuffersAdvancesPositions() throws Exception {
        try (Conn c = open()) {
            ByteBuffer a = ByteBuffer.wrap("..abc".getBytes(StandardCharsets.US_ASCII)).position(2);
            ByteBuffer empty = ByteBuffer.allocate(0);
            ByteBuffer d = ByteBuffer.allocateDirect(8).put("def".getBytes(StandardCharsets.US_ASCII)).flip();
            ByteBuffer g = ByteBuffer.wrap("ghi".getBytes(StandardCharsets.US_ASCII));
            ByteBuffer skipped = ByteBuffer.wrap("NOT".getBytes(StandardCharsets.US_ASCII));
            ByteBuffer[] srcs = {skipped, a, empty, d, g, skipped};
            assertThat(c.client.write(srcs, 1, 4)).isEqualTo(9);
            assertThat(a.hasRemaining() || d.hasRemaining() || g.hasRemaining()).isFalse();
            assertThat(skipped.position()).isZero();
            assertThat(new String(Conn.readFully(c.server, 9), StandardCharsets.US_ASCII)).isEqualTo("abcdefghi");
            assertThatThrownBy(() -> c.client.write(srcs, 4, 3)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void gatheringWriteOfSegments() throws Exception {
        try (Conn c = open(); Arena arena = Arena.ofConfined()) {
            MemorySegment n1 = arena.allocate(3).fill((byte) 'a');
            MemorySegment h = MemorySegment.ofArray(new byte[] {'b', 'b'});
            MemorySegment n2 = arena.allocate(4).fill((byte) 'c');
            long n = c.server.write(new MemorySegment[] {n1, h, MemorySegment.NULL, n2}, 0, 4);
            assertThat(n).isEqualTo(9);
            assertThat(new String(Conn.readFully(c.client, 9), StandardCharsets.US_ASCII)).isEqualTo("aaabbcccc");
        }
    }

    @Test
    void largeTransferWithPartialWrites() throws Exception {
        int total = 8 << 20;
        byte[] data = new byte[total];
        new Random(42).nextBytes(data);
        byte[] received = new byte[total];
        try (Conn c = open(); Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocate(total);
            MemorySegment.copy(data, 0, src, ValueLayout.JAVA_BYTE, 0, total);
            ByteBuffer dst = ByteBuffer.allocateDirect(100_000);
            long sent = 0;
            int got = 0;
            int partialOrFull = 0;
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (got < total) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("transfer stalled at " + got + " of " + total);
                }
                if (sent < total) {
                    // alternate native segments and heap buffers, up to 1 MiB a call
                    long len = Math.min(1 << 20, total - sent);
                    long w = (sent & 1) == 0
                            ? c.client.write(src.asSlice(sent, len))
                            : c.client.write(ByteBuffer.wrap(data, (int) sent, (int) len));
                    if (w < len) {
                        partialOrFull++;
                    }
                    sent += w;
                }
                dst.clear();
                int r = c.server.read(dst);
                assertThat(r).isNotNegative();
                dst.flip();
                dst.get(received, got, r);
                got += r;
            }
            assertThat(partialOrFull).as("writes that the socket could not take whole").isPositive();
            assertThat(Arrays.equals(data, received)).as("bytes arrive intact and in order").isTrue();
        }
    }

    @Test
    void closedSocketSaysSoAndForgetsItsFd() throws Exception {
        Conn c = open();
        c.close();
        c.close(); // idempotent
        assertThat(c.client.fileno()).isEqualTo(-1);
        assertThat(c.client.isOpen()).isFalse();
        assertThat(c.listener.fileno()).isEqualTo(-1);
        assertThatThrownBy(() -> c.client.read(ByteBuffer.allocate(1)))
                .isInstanceOf(ClosedChannelException.class)
                .hasMessage("read: the socket is closed");
        assertThatThrownBy(() -> c.client.write(ByteBuffer.allocate(1)))
                .isInstanceOf(ClosedChannelException.class)
                .hasMessage("write: the socket is closed");
        assertThatThrownBy(c.client::shutdownOutput).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(c.listener::accept)
                .isInstanceOf(ClosedChannelException.class)
                .hasMessage("accept: the listening socket is closed");
        c.client.abort(); // a no-op when closed
    }

    @Test
    void addressesAreReported() throws Exception {
        try (Conn c = open()) {
            assertThat(c.client.remoteAddress()).isEqualTo(c.listener.localAddress());
            assertThat(c.server.localAddress()).isEqualTo(c.listener.localAddress());
            assertThat(c.server.remoteAddress()).isEqualTo(c.client.localAddress());
        }
    }
}
