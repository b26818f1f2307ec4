package io.jselectors.net;

import io.jselectors.internal.os.SockAddr;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Each thread's small native scratch memory for socket calls other than reads and writes: a sockaddr
 * buffer and small option/int slots, 160 bytes in all (reads and writes take theirs from
 * {@link CallMemory} for the call).
 *
 * <p>Per thread, not per socket: a socket then owns no native memory at all, and nothing is freed at
 * close. The memory lives as long as its thread (a GC-managed arena, like the errno capture segments
 * of {@code Native}): a thread's own heap footprint is larger, so the collector frees these well
 * before they add up. A call uses it only between entering and leaving one of our methods, on its own
 * thread, so no two users can meet in it.
 */
final class Scratch {
    private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

    private final Arena arena = Arena.ofAuto();
    /** A {@code sockaddr_storage}. */
    final MemorySegment addr;
    /** A {@code socklen_t} for address lengths. */
    final MemorySegment addrLen;
    /** 16 bytes for option values (int + length, or a struct linger). */
    final MemorySegment opt;
    /** Two C ints for pipe2/socketpair. */
    final MemorySegment fds;

    private Scratch() {
        MemorySegment small = arena.allocate(SockAddr.STORAGE_SIZE + 8 + 16 + 8, 16);
        addr = small.asSlice(0, SockAddr.STORAGE_SIZE);
        addrLen = small.asSlice(SockAddr.STORAGE_SIZE, 4);
        opt = small.asSlice(SockAddr.STORAGE_SIZE + 8, 16);
        fds = small.asSlice(SockAddr.STORAGE_SIZE + 24, 8);
    }

    /** @return the calling thread's scratch memory */
    static Scratch get() {
        return LOCAL.get();
    }
}
