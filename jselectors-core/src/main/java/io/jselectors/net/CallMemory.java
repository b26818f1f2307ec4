package io.jselectors.net;

import io.jselectors.ErrnoException;
import io.jselectors.internal.os.HeldCall;
import io.jselectors.internal.os.SockAddr;
import io.jselectors.internal.os.Sockets;
import io.jselectors.internal.os.Uio;
import io.jselectors.internal.os.Unistd;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The native memory one read or write needs besides the caller's own, for the length of that call: a
 * staging buffer for heap bytes, the iovecs and {@code msghdr} of a gathering write, the segments
 * that write holds alive, and the {@code msghdr}, iovec and sender address of a datagram receive
 * ({@link #receive}), which lands in the staging buffer. It also puts a gathering write together ({@link #addNative}, {@link #addHeap},
 * {@link #gather}).
 *
 * <p>Taken with {@link #take()} and given back with {@link #release()} by the same call, from a pool
 * shared by every thread: at most {@link #POOLED} sets of {@link #SET_SIZE} bytes, made as first needed
 * and kept for the life of the JVM. A call that finds the pool empty (more threads inside a call at
 * once than the pool holds) gets a set of its own in a confined arena, freed as the call ends. Native
 * memory for I/O is thus bounded by the pool plus the calls in progress, however many threads (virtual
 * or not) do heap I/O, and nothing waits for the garbage collector. A thread in a native call cannot be
 * unmounted, so with virtual threads the calls in progress are at most the carriers.
 */
final class CallMemory {
    /** Bytes staged per call for heap buffers and heap segments. */
    static final int STAGING_SIZE = 64 * 1024;
    /** The most sets the pool keeps. */
    static final int POOLED = Math.min(64, Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));

    private static final long IOV_BYTES = Uio.IOVEC_SIZE * Uio.IOV_MAX;
    /** The msghdr, one iovec and the sender's sockaddr_storage of a datagram receive. */
    private static final long RECV_BYTES = Sockets.MSGHDR.byteSize() + Uio.IOVEC_SIZE + SockAddr.STORAGE_SIZE;
    /** Native bytes of one set: staging, iovecs, msghdr, and what a datagram receive needs. */
    static final long SET_SIZE = STAGING_SIZE + IOV_BYTES + Sockets.MSGHDR.byteSize() + RECV_BYTES;
    /** The most bytes one gathering write sends, so that the total fits an ssize_t on any system. */
    private static final long MAX_GATHER = 1L << 30;

    private static final AtomicReferenceArray<CallMemory> FREE = new AtomicReferenceArray<>(POOLED);
    private static final AtomicInteger MADE = new AtomicInteger();
    private static final AtomicLong LIVE_BYTES = new AtomicLong();

    /** Null for a pooled set (kept for ever), else the confined arena freed by {@link #release()}. */
    private final Arena transientArena;
    private final MemorySegment staging;
    private final MemorySegment iov;
    private final MemorySegment msghdr;
    /** {@link #receive}'s own msghdr (its name and one iovec point into this set), and the sender's address. */
    private final MemorySegment recvHeader;
    private final MemorySegment recvIov;
    private final MemorySegment recvName;
    /** The segments the gathering write in progress points into, then padded arrays by size class. */
    private final MemorySegment[] held = new MemorySegment[HeldCall.MAX_HELD];
    private final MemorySegment[][] heldByClass = {new MemorySegment[2], new MemorySegment[8], new MemorySegment[HeldCall.MAX_HELD]};

    // The gathering write being put together.
    private int count;
    private int heldCount;
    private long staged;
    private long total;
    /** The one source when a platform cannot hold several segments in one call. */
    private MemorySegment single;

    private CallMemory(Arena arena, boolean pooled) {
        this.transientArena = pooled ? null : arena;
        MemorySegment all = arena.allocate(SET_SIZE, 64);
        staging = all.asSlice(0, STAGING_SIZE);
        iov = all.asSlice(STAGING_SIZE, IOV_BYTES);
        msghdr = all.asSlice(STAGING_SIZE + IOV_BYTES, Sockets.MSGHDR.byteSize());
        msghdr.set(ValueLayout.ADDRESS, Sockets.MSG_IOV_OFFSET, iov);
        long at = STAGING_SIZE + IOV_BYTES + Sockets.MSGHDR.byteSize();
        recvHeader = all.asSlice(at, Sockets.MSGHDR.byteSize());
        recvIov = all.asSlice(at + Sockets.MSGHDR.byteSize(), Uio.IOVEC_SIZE);
        recvName = all.asSlice(at + Sockets.MSGHDR.byteSize() + Uio.IOVEC_SIZE, SockAddr.STORAGE_SIZE);
        recvHeader.set(ValueLayout.ADDRESS, Sockets.MSG_NAME_OFFSET, recvName);
        recvHeader.set(ValueLayout.ADDRESS, Sockets.MSG_IOV_OFFSET, recvIov);
        Sockets.setMsgIovlen(recvHeader, 1);
        recvIov.set(ValueLayout.JAVA_LONG, Uio.IOV_BASE_OFFSET, staging.address());
        for (MemorySegment[] a : heldByClass) {
            Arrays.fill(a, MemorySegment.NULL);
        }
        LIVE_BYTES.addAndGet(SET_SIZE);
    }

    /** @return a set for this call; give it back with {@link #release()} in a finally block */
    static CallMemory take() {
        int start = (int) (Thread.currentThread().threadId() % POOLED);
        for (int i = 0; i < POOLED; i++) {
            int slot = (start + i) % POOLED;
            CallMemory m = FREE.get(slot);
            if (m != null && FREE.compareAndSet(slot, m, null)) {
                return m;
            }
        }
        int made = MADE.get();
        while (made < POOLED) {
            if (MADE.compareAndSet(made, made + 1)) {
                return new CallMemory(Arena.ofAuto(), true); // reachable from the pool for ever
            }
            made = MADE.get();
        }
        return new CallMemory(Arena.ofConfined(), false);
    }

    /** Forgets the write in progress and gives the set back (or frees it). */
    void release() {
        if (heldCount > 0) {
            Arrays.fill(held, 0, heldCount, null); // keep no user memory reachable
        }
        count = heldCount = 0;
        staged = total = 0;
        single = null;
        if (transientArena != null) {
            LIVE_BYTES.addAndGet(-SET_SIZE);
            transientArena.close();
            return;
        }
        int start = (int) (Thread.currentThread().threadId() % POOLED);
        for (int i = 0; i < POOLED; i++) {
            int slot = (start + i) % POOLED;
            if (FREE.get(slot) == null && FREE.compareAndSet(slot, null, this)) {
                return;
            }
        }
        throw new AssertionError("more pooled sets than pool slots");
    }

    /** @return native bytes of all sets alive now, pooled or in use; for tests */
    static long liveBytes() {
        return LIVE_BYTES.get();
    }

    /** @return the staging buffer, {@link #STAGING_SIZE} bytes */
    MemorySegment staging() {
        return staging;
    }

    /**
     * Adds native memory to the gathering write, by address; {@code owner} is held alive for the call.
     *
     * @param owner  the native segment the bytes lie in (a whole direct buffer's segment, or the source)
     * @param offset where the bytes start in {@code owner}
     * @param size   how many, &gt; 0
     * @return true if all of them went in and another source may follow
     */
    boolean addNative(MemorySegment owner, long offset, long size) {
        long len = Math.min(size, MAX_GATHER - total);
        if (full() || heldCount == HeldCall.MAX_HELD) {
            return false;
        }
        held[heldCount++] = owner;
        if (!HeldCall.isAvailable()) {
            single = owner.asSlice(offset, len);
        }
        putIov(owner.address() + offset, len);
        return len == size && !full();
    }

    /**
     * Adds heap memory to the gathering write: as much of it as the staging buffer still takes is
     * copied there.
     *
     * @param src the bytes, non-empty
     * @return true if all of them went in and another source may follow
     */
    boolean addHeap(MemorySegment src) {
        long size = src.byteSize();
        long len = Math.min(Math.min(size, STAGING_SIZE - staged), MAX_GATHER - total);
        if (full() || len == 0) {
            return false;
        }
        MemorySegment dst = staging.asSlice(staged, len);
        MemorySegment.copy(src, 0, dst, 0, len);
        staged += len;
        if (!HeldCall.isAvailable()) {
            single = dst;
        }
        putIov(dst.address(), len);
        return len == size && !full();
    }

    /**
     * Receives one datagram into the staging buffer with {@code recvmsg}: the bytes are then
     * {@code staging()[0, n)}, the sender's address {@link #receivedName()}, and {@link #receivedFlags()}
     * holds {@link Sockets#MSG_TRUNC} if the datagram was longer than {@code max}. Every address the
     * msghdr holds points into this set, which the caller holds for the call: no bare address escapes
     * a segment's lifetime.
     *
     * @param fd  the socket
     * @param max the most bytes to take, 0 to {@link #STAGING_SIZE}
     * @return the count received, or {@link Unistd#WOULD_BLOCK}
     * @throws ErrnoException on ECONNREFUSED (an ICMP error on a connected socket), ...
     */
    long receive(int fd, long max) throws ErrnoException {
        if (max < 0 || max > STAGING_SIZE) {
            throw new IllegalArgumentException("a datagram receive takes 0 to " + STAGING_SIZE + " bytes, not " + max);
        }
        recvIov.set(ValueLayout.JAVA_LONG, Uio.IOV_LEN_OFFSET, max);
        recvHeader.set(ValueLayout.JAVA_INT, Sockets.MSG_NAMELEN_OFFSET, SockAddr.STORAGE_SIZE);
        recvHeader.set(ValueLayout.JAVA_INT, Sockets.MSG_FLAGS_OFFSET, 0);
        return Sockets.recvmsg(fd, recvHeader, 0);
    }

    /** @return the sender's address of the last {@link #receive}, {@link #receivedNameLength()} bytes of it */
    MemorySegment receivedName() {
        return recvName;
    }

    /** @return the length of the sender's address the kernel wrote; 0 when it gave none (an unnamed Unix peer) */
    int receivedNameLength() {
        return Math.min(recvHeader.get(ValueLayout.JAVA_INT, Sockets.MSG_NAMELEN_OFFSET), SockAddr.STORAGE_SIZE);
    }

    /** @return the {@code msg_flags} of the last {@link #receive} */
    int receivedFlags() {
        return recvHeader.get(ValueLayout.JAVA_INT, Sockets.MSG_FLAGS_OFFSET);
    }

    /** @return true when no further source may be added */
    private boolean full() {
        return count == Uio.IOV_MAX || total == MAX_GATHER || single != null;
    }

    private void putIov(long address, long len) {
        long at = count * Uio.IOVEC_SIZE;
        iov.set(ValueLayout.JAVA_LONG, at + Uio.IOV_BASE_OFFSET, address);
        iov.set(ValueLayout.JAVA_LONG, at + Uio.IOV_LEN_OFFSET, len);
        count++;
        total += len;
    }

    /** @return how many sources were added */
    int count() {
        return count;
    }

    /**
     * Makes the gathering write put together by {@link #addNative} and {@link #addHeap}: {@code sendmsg} with MSG_NOSIGNAL on a
     * socket, {@code writev} otherwise, holding every native source alive for the call.
     *
     * @param fd     the descriptor
     * @param socket whether it is a socket
     * @return the count written, or {@link Unistd#WOULD_BLOCK}
     * @throws ErrnoException        on an OS error
     * @throws IllegalStateException if a source's arena is closed
     * @throws WrongThreadException  if a source is confined to another thread
     */
    long gather(int fd, boolean socket) throws ErrnoException {
        if (single != null) {
            return socket ? Sockets.send(fd, single, Sockets.MSG_NOSIGNAL) : Unistd.write(fd, single);
        }
        int size = HeldCall.classSize(heldCount);
        MemorySegment[] args = heldByClass[size == 2 ? 0 : size == 8 ? 1 : 2];
        System.arraycopy(held, 0, args, 0, heldCount);
        try {
            if (socket) {
                Sockets.setMsgIovlen(msghdr, count);
                return HeldCall.sendmsg(fd, msghdr, Sockets.MSG_NOSIGNAL, args);
            }
            return HeldCall.writev(fd, iov, count, args);
        } finally {
            Arrays.fill(args, 0, heldCount, MemorySegment.NULL);
        }
    }
}
