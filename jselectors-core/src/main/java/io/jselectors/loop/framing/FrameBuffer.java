package io.jselectors.loop.framing;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The bytes of one partial frame, on the heap, never more than a fixed limit. It grows by doubling up to
 * the limit as bytes come, and drops an array larger than {@link #KEEP} once its frame is delivered, so
 * an idle connection holds at most a small array.
 */
final class FrameBuffer {
    /** The first array's size. */
    static final int FIRST = 256;
    /** Arrays up to this size are kept for the next frame; larger ones are dropped after theirs. */
    static final int KEEP = 64 * 1024;
    private static final byte[] NONE = new byte[0];

    private final int limit;
    private byte[] bytes = NONE;
    private int size;

    FrameBuffer(int limit) {
        this.limit = limit;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** @return the last byte held; only when not empty */
    byte last() {
        return bytes[size - 1];
    }

    /** Appends bytes of {@code src}; the caller has checked that the limit holds. */
    void append(MemorySegment src, long offset, int length) {
        int need = size + length;
        if (length < 0 || need > limit || need < 0) {
            throw new IllegalStateException("framing bug: " + need + " bytes for a buffer limited to " + limit);
        }
        if (need > bytes.length) {
            long grown = Math.max(need, Math.min(limit, Math.max(FIRST, 2L * bytes.length)));
            byte[] bigger = new byte[(int) grown];
            System.arraycopy(bytes, 0, bigger, 0, size);
            bytes = bigger;
        }
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, offset, bytes, size, length);
        size = need;
    }

    /**
     * Returns the first {@code length} bytes held, as a view that stays valid until the next append;
     * then forgets them.
     */
    MemorySegment take(int length) {
        MemorySegment view = MemorySegment.ofArray(bytes).asSlice(0, length);
        size = 0;
        if (bytes.length > KEEP) {
            bytes = NONE;
        }
        return view;
    }

    /** Forgets the bytes and the array. */
    void release() {
        size = 0;
        bytes = NONE;
    }

    /** @return the array's length; for tests */
    int capacity() {
        return bytes.length;
    }
}
