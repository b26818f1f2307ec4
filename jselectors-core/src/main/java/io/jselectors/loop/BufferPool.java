package io.jselectors.loop;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Native buffers for unsent bytes, each in an arena of its own: power-of-two sizes up to
 * {@link #MAX_POOLED_SIZE}, larger ones of the size asked rounded up to a page. Freed buffers up to
 * {@link #MAX_POOLED_SIZE} are kept (at most {@link #MAX_PER_CLASS} per size) for the next connection
 * that needs one, so a loop whose peers are briefly slow allocates nothing in steady state; the rest are
 * freed at once. Loop thread only, except {@link #close()} once the loop has stopped.
 */
final class BufferPool {
    static final int MIN_SIZE = 4096;
    static final int MAX_POOLED_SIZE = 256 * 1024;
    static final int MAX_PER_CLASS = 32;
    /** Large buffers are sized in whole pages of this many bytes. */
    static final long PAGE = 4096;

    /** One buffer and the arena that frees it. */
    static final class Buffer {
        final Arena arena;
        final MemorySegment segment;

        Buffer(Arena arena, MemorySegment segment) {
            this.arena = arena;
            this.segment = segment;
        }
    }

    /** Free buffers by size class: index i holds buffers of {@code MIN_SIZE << i} bytes. */
    private final List<ArrayDeque<Buffer>> free = new ArrayList<>();

    private long pooledBytes;
    private boolean closed;

    BufferPool() {
        for (int i = 0; i <= classOf(MAX_POOLED_SIZE); i++) {
            free.add(new ArrayDeque<>());
        }
    }

    /**
     * Returns a buffer of at least {@code min} bytes: a power of two (at least {@link #MIN_SIZE}) up to
     * {@link #MAX_POOLED_SIZE}, else {@code min} rounded up to {@link #PAGE}. Zero-filled (the FFM API
     * zeroes what an arena allocates).
     */
    Buffer take(long min) {
        long size = sizeFor(min);
        if (size <= MAX_POOLED_SIZE && !closed) {
            Buffer b = free.get(classOf(size)).pollLast();
            if (b != null) {
                pooledBytes -= size;
                return b;
            }
        }
        Arena arena = Arena.ofShared();
        try {
            return new Buffer(arena, arena.allocate(size, 8));
        } catch (RuntimeException | OutOfMemoryError e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Returns a new buffer holding a copy of {@code src[offset, offset+length)} and nothing more:
     * for a large write that must wait, so its memory is written once, not zero-filled first.
     */
    Buffer takeCopy(MemorySegment src, long offset, long length) {
        Arena arena = Arena.ofShared();
        try {
            return new Buffer(arena, arena.allocateFrom(ValueLayout.JAVA_BYTE, src, ValueLayout.JAVA_BYTE, offset, length));
        } catch (RuntimeException | OutOfMemoryError e) {
            arena.close();
            throw e;
        }
    }

    /** Gives a buffer back: kept for reuse, or freed. */
    void give(Buffer b) {
        long size = b.segment.byteSize();
        if (!closed && size <= MAX_POOLED_SIZE) {
            ArrayDeque<Buffer> q = free.get(classOf(size));
            if (q.size() < MAX_PER_CLASS) {
                q.addLast(b);
                pooledBytes += size;
                return;
            }
        }
        b.arena.close();
    }

    /** @return bytes held by free buffers */
    long pooledBytes() {
        return pooledBytes;
    }

    /** Frees every pooled buffer; buffers given back later are freed at once. */
    void close() {
        closed = true;
        for (ArrayDeque<Buffer> q : free) {
            Buffer b;
            while ((b = q.pollLast()) != null) {
                b.arena.close();
            }
        }
        pooledBytes = 0;
    }

    static long sizeFor(long min) {
        if (min <= MIN_SIZE) {
            return MIN_SIZE;
        }
        if (min > MAX_POOLED_SIZE) {
            return (min + PAGE - 1) & -PAGE;
        }
        long s = Long.highestOneBit(min);
        return s == min ? s : s << 1;
    }

    private static int classOf(long size) {
        return Long.numberOfTrailingZeros(size) - Long.numberOfTrailingZeros(MIN_SIZE);
    }
}
