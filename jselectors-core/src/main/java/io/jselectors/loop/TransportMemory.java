package io.jselectors.loop;

import java.lang.foreign.Arena;

/**
 * The native memory of a loop's transports: the one read buffer every read lands in, and the pool of
 * write buffers. Owned by the loop, freed when it closes. Loop thread only.
 */
final class TransportMemory {
    /** Size of the loop's one read buffer: the most a single dataReceived call hands over. */
    static final int READ_BUFFER_SIZE = 64 * 1024;

    private final Arena arena = Arena.ofShared();
    final SliceCache readBuffer = new SliceCache(arena.allocate(READ_BUFFER_SIZE, 8));
    final BufferPool pool = new BufferPool();

    void close() {
        pool.close();
        arena.close();
    }
}
