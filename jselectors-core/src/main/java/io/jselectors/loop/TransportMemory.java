package io.jselectors.loop;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The native memory of a loop's transports: the one read buffer every read lands in, and the pool of
 * write buffers. Owned by the loop; the pool is freed when it closes.
 *
 * <p>The read buffer lives for one {@link EventLoop#run()}: allocated as the run starts, in an arena
 * confined to the loop's thread, and freed as it returns. Confined, because every downcall that takes a
 * segment of a shared arena pays two atomic operations to hold that arena open for the call (two reads
 * and two sends per echoed message); a confined one pays none. And a segment handed to
 * {@link Protocol#dataReceived} that leaks to another thread, or outlives the run, fails with the JDK's
 * own exception instead of reading memory the loop has reused.
 */
final class TransportMemory {
    /** Size of the loop's one read buffer: the most a single dataReceived call hands over. */
    static final int READ_BUFFER_SIZE = 64 * 1024;

    final BufferPool pool = new BufferPool();
    private Arena readArena;
    /** The views of the read buffer, made once per loop: each run only points them at its own buffer. */
    private SliceCache views;
    /** The read buffer of the run in progress; null outside {@link EventLoop#run()}. Loop thread only. */
    SliceCache readBuffer;

    /** As a run starts, on its thread (every runUntil too: no 64 Ki-entry view array per run). */
    void openReadBuffer() {
        Arena arena = Arena.ofConfined();
        MemorySegment base = arena.allocate(READ_BUFFER_SIZE, 8);
        if (views == null) {
            views = new SliceCache(base);
        } else {
            views.reset(base);
        }
        readArena = arena;
        readBuffer = views;
    }

    /** As a run returns, on its thread. */
    void closeReadBuffer() {
        Arena arena = readArena;
        readArena = null;
        readBuffer = null;
        if (arena != null) {
            arena.close();
        }
    }

    void close() {
        pool.close();
    }
}
