package io.jselectors.loop;

import java.lang.foreign.MemorySegment;

/**
 * The unsent bytes of one connection: a native buffer from the loop's {@link BufferPool}, held only
 * while bytes wait; {@code [head, tail)} is the data. Loop thread only.
 */
final class WriteBuffer {
    private final BufferPool pool;
    private BufferPool.Buffer buffer;
    private long head;
    private long tail;

    WriteBuffer(BufferPool pool) {
        this.pool = pool;
    }

    long size() {
        return tail - head;
    }

    boolean isEmpty() {
        return tail == head;
    }

    /** @return the bytes of the native buffer held, 0 when none; for tests */
    long capacity() {
        return buffer == null ? 0 : buffer.segment.byteSize();
    }

    /** @return true while a native buffer is held */
    boolean holdsMemory() {
        return buffer != null;
    }

    /** Copies {@code src[offset, offset+length)} to the end. */
    void append(MemorySegment src, long offset, long length) {
        if (length == 0) {
            return;
        }
        if (buffer == null && length > BufferPool.MAX_POOLED_SIZE) {
            // A large write that must wait: a buffer of exactly its size, written once (no zero-fill).
            buffer = pool.takeCopy(src, offset, length);
            head = 0;
            tail = length;
            return;
        }
        ensureRoom(length);
        MemorySegment.copy(src, offset, buffer.segment, tail, length);
        tail += length;
    }

    /** @return a view of the unsent bytes, to hand to write(); valid until the next change */
    MemorySegment pending() {
        return buffer.segment.asSlice(head, tail - head);
    }

    /** Drops the first n bytes (they were sent); frees the buffer once empty. */
    void consume(long n) {
        head += n;
        if (head == tail) {
            clear();
        }
    }

    /** Drops everything and gives the buffer back. */
    void clear() {
        head = tail = 0;
        if (buffer != null) {
            BufferPool.Buffer b = buffer;
            buffer = null;
            pool.give(b);
        }
    }

    private void ensureRoom(long length) {
        if (buffer == null) {
            buffer = pool.take(length);
            head = tail = 0;
            return;
        }
        long cap = buffer.segment.byteSize();
        if (tail + length <= cap) {
            return;
        }
        long used = tail - head;
        if (used + length <= cap && used <= cap / 2) {
            // Slide the data to the front: cheaper than a bigger buffer when little is left.
            MemorySegment.copy(buffer.segment, head, buffer.segment, 0, used);
        } else {
            // Double while small (pooled sizes), then grow by half: never more than 1.5 times the data.
            long grown = cap < BufferPool.MAX_POOLED_SIZE ? cap * 2 : cap + cap / 2;
            BufferPool.Buffer bigger = pool.take(Math.max(used + length, grown));
            MemorySegment.copy(buffer.segment, head, bigger.segment, 0, used);
            pool.give(buffer);
            buffer = bigger;
        }
        head = 0;
        tail = used;
    }
}
