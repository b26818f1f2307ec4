package io.jselectors.loop;

import java.lang.foreign.MemorySegment;

/**
 * Views {@code [0, n)} of one native buffer, made once per length and reused, so that handing "the
 * first n bytes" to a protocol or a system call allocates nothing in steady state.
 */
final class SliceCache {
    private MemorySegment base;
    private final MemorySegment[] slices;

    SliceCache(MemorySegment base) {
        this.base = base;
        this.slices = new MemorySegment[Math.toIntExact(base.byteSize()) + 1];
    }

    /**
     * Views another buffer of the same size from now on (the loop's read buffer of the next run): the views
     * of the old one are dropped, the array that holds them is kept.
     */
    void reset(MemorySegment newBase) {
        if (newBase.byteSize() != slices.length - 1) {
            throw new IllegalArgumentException("a " + newBase.byteSize() + "-byte buffer for a cache of "
                    + (slices.length - 1) + " bytes");
        }
        base = newBase;
        java.util.Arrays.fill(slices, null);
    }

    MemorySegment base() {
        return base;
    }

    /** @return the first n bytes of the buffer, {@code 0 <= n <= size} */
    MemorySegment prefix(int n) {
        MemorySegment s = slices[n];
        if (s == null) {
            s = n == slices.length - 1 ? base : base.asSlice(0, n);
            slices[n] = s;
        }
        return s;
    }
}
