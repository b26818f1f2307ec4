package io.jselectors.loop;

import java.lang.foreign.MemorySegment;

/**
 * Views {@code [0, n)} of one native buffer, made once per length and reused, so that handing "the
 * first n bytes" to a protocol or a system call allocates nothing in steady state.
 */
final class SliceCache {
    private final MemorySegment base;
    private final MemorySegment[] slices;

    SliceCache(MemorySegment base) {
        this.base = base;
        this.slices = new MemorySegment[Math.toIntExact(base.byteSize()) + 1];
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
