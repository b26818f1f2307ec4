package io.jselectors.net;

import io.jselectors.internal.os.SockAddr;
import io.jselectors.internal.os.Sockets;
import io.jselectors.internal.os.Uio;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Each thread's native scratch memory for socket calls: a sockaddr buffer, small option/int slots, and
 * (made on first use) a staging buffer for heap memory and an iovec array for gathering writes.
 *
 * <p>Per thread, not per socket: a socket then owns no native memory at all, heap-buffer I/O costs no
 * memory per connection, and nothing is freed at close. The memory lives as long as its thread (a
 * GC-managed arena, like the errno capture segments of {@code Native}). A call uses it only between
 * entering and leaving one of our methods, on its own thread, so no two users can meet in it.
 */
final class Scratch {
    /** Bytes staged per call for heap buffers and heap segments. */
    static final int STAGING_SIZE = 64 * 1024;

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
    private MemorySegment staging;
    private MemorySegment iov;
    private MemorySegment msghdr;

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

    /** @return the staging buffer, {@link #STAGING_SIZE} bytes */
    MemorySegment staging() {
        MemorySegment s = staging;
        if (s == null) {
            s = staging = arena.allocate(STAGING_SIZE, 64);
        }
        return s;
    }

    /** @return room for {@link Uio#IOV_MAX} iovecs */
    MemorySegment iov() {
        MemorySegment s = iov;
        if (s == null) {
            s = iov = arena.allocate(Uio.IOVEC_SIZE * Uio.IOV_MAX, 8);
        }
        return s;
    }

    /** @return a zeroed {@code struct msghdr} whose msg_iov points at {@link #iov()} */
    MemorySegment msghdr() {
        MemorySegment s = msghdr;
        if (s == null) {
            s = arena.allocate(Sockets.MSGHDR);
            s.set(java.lang.foreign.ValueLayout.ADDRESS, Sockets.MSG_IOV_OFFSET, iov());
            msghdr = s;
        }
        return s;
    }
}
