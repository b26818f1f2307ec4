package io.jselectors.net;

import io.jselectors.ErrnoException;
import io.jselectors.Selectable;
import io.jselectors.internal.os.Fcntl;
import io.jselectors.internal.os.Sockets;
import io.jselectors.internal.os.Unistd;
import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.Objects;

/**
 * A non-blocking stream file descriptor this object owns: a pipe end, a socket, or any descriptor handed
 * in with {@link #adopt(int)}.
 *
 * <p>Reads and writes never block. They return the byte count, 0 when the call would block (register
 * the stream with a {@link io.jselectors.Selector} and retry when it is ready), and reads return -1 at
 * end of stream. They take {@link MemorySegment}s and {@link ByteBuffer}s: native segments and direct
 * buffers go straight to the kernel; heap memory is copied through a native staging buffer of 64 KiB,
 * so one call moves at most that much of it. Staging buffers come from a small pool shared by all
 * threads and are held only during a call: heap I/O from any number of threads, virtual or not, needs
 * no native memory per thread.
 *
 * <p>A segment handed to a read or write must be alive and accessible from the calling thread: a
 * segment of a closed arena throws {@link IllegalStateException}, a confined segment of another thread
 * {@link WrongThreadException}, as for any other access to it, and nothing is read or written. The
 * arena of every native segment (and direct buffer) a call uses is kept open until the call returns:
 * closing a shared arena meanwhile fails with {@link IllegalStateException} in the closing thread.
 *
 * <p>Errors from the OS are {@link ErrnoException}s naming the call, the fd and the errno, e.g.
 * {@code "read(fd=9): ECONNRESET (Connection reset by peer)"}. After {@link #close()} every operation
 * throws {@link java.nio.channels.ClosedChannelException} and never touches the old descriptor number,
 * which the system may already have given to another file.
 *
 * <p>A stream is not thread-safe: use it from one thread at a time (typically its event loop).
 * {@link #close()} may be called from any thread, but not while another thread is inside a read or write:
 * the close releases the descriptor number at once, so a read or write already under way on another
 * thread could reach the file the system hands that number to next (unlike the JDK's channels, which
 * defer the real close until no thread is in I/O on it). Close a stream on the thread that uses it.
 */
public class NativeStream implements Selectable, Closeable {
    private static final VarHandle FD;

    static {
        try {
            FD = MethodHandles.lookup().findVarHandle(NativeStream.class, "fd", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The largest single transfer; read returns an int. */
    private static final long MAX_TRANSFER = 1L << 30;

    private volatile int fd;
    private final boolean socket;

    /*
     * The last direct buffer read into and written from, with a segment over its whole capacity.
     * MemorySegment.ofBuffer allocates (32 bytes a call, measured), so a loop reusing one buffer per
     * direction gets its segment from here; a slice of it costs nothing once compiled.
     */
    private ByteBuffer readBuf;
    private MemorySegment readSeg;
    private ByteBuffer writeBuf;
    private MemorySegment writeSeg;
    /** The same for direct buffers of gathering writes: the last few, replaced in turn. */
    private final ByteBuffer[] gatherBufs = new ByteBuffer[4];
    private final MemorySegment[] gatherSegs = new MemorySegment[4];
    private int gatherNext;

    NativeStream(int fd, boolean socket) {
        this.fd = fd;
        this.socket = socket;
    }

    /**
     * Takes ownership of an open descriptor and makes it non-blocking. Closing the stream closes it.
     *
     * @param fd an open descriptor of a pipe, socket, terminal, ...
     * @return the stream
     * @throws IllegalArgumentException if {@code fd} is negative
     * @throws IOException              if the descriptor is not open (EBADF) or cannot be made non-blocking
     */
    public static NativeStream adopt(int fd) throws IOException {
        if (fd < 0) {
            throw new IllegalArgumentException("cannot adopt fd " + fd + ": not a descriptor");
        }
        Fcntl.setNonBlocking(fd, true);
        return new NativeStream(fd, false);
    }

    /**
     * Returns the descriptor.
     *
     * @return the descriptor, or -1 once closed
     */
    @Override
    public int fileno() {
        return fd;
    }

    /**
     * Tells whether the stream is open.
     *
     * @return false once {@link #close()} has begun
     */
    public boolean isOpen() {
        return fd >= 0;
    }

    /**
     * Reads into a segment, from its start.
     *
     * @param dst where the bytes land; at most 1 GiB is read per call
     * @return the count read (&gt; 0), 0 when nothing is available now (or {@code dst} is empty), -1 at end
     *     of stream
     * @throws IllegalArgumentException                 if {@code dst} is read-only (nothing is read)
     * @throws IllegalStateException                    if {@code dst}'s arena is closed
     * @throws WrongThreadException                     if {@code dst} is confined to another thread
     * @throws java.nio.channels.ClosedChannelException if this stream is closed
     * @throws ErrnoException                           on an OS error (ECONNRESET, ...)
     */
    public int read(MemorySegment dst) throws IOException {
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("read: the destination segment is read-only; nothing was read");
        }
        int fd = liveFd("read");
        long size = dst.byteSize();
        if (size == 0) {
            return 0;
        }
        if (!dst.isNative()) {
            return readHeap(fd, dst, size);
        }
        long n = Unistd.read(fd, size > MAX_TRANSFER ? dst.asSlice(0, MAX_TRANSFER) : dst);
        return readResult(n);
    }

    /**
     * Reads into a buffer, from its position up to its limit, and advances the position.
     *
     * @param dst a heap or direct buffer
     * @return the count read (&gt; 0), 0 when nothing is available now (or {@code dst} has no room), -1 at
     *     end of stream
     * @throws ReadOnlyBufferException                  if {@code dst} is read-only
     * @throws java.nio.channels.ClosedChannelException if this stream is closed
     * @throws ErrnoException                           on an OS error
     */
    public int read(ByteBuffer dst) throws IOException {
        int fd = liveFd("read");
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        int pos = dst.position();
        int rem = dst.limit() - pos;
        if (rem <= 0) {
            return 0;
        }
        int n;
        if (dst.isDirect()) {
            if (dst != readBuf) {
                readSeg = wholeSegment(dst);
                readBuf = dst;
            }
            n = readResult(Unistd.read(fd, readSeg.asSlice(pos, rem)));
        } else {
            n = readHeap(fd, MemorySegment.ofBuffer(dst), rem);
        }
        if (n > 0) {
            dst.position(pos + n);
        }
        return n;
    }

    /** A segment over a direct buffer's whole capacity, whatever its position and limit. */
    private static MemorySegment wholeSegment(ByteBuffer direct) {
        return MemorySegment.ofBuffer(direct.duplicate().clear());
    }

    private static int readHeap(int fd, MemorySegment dst, long size) throws ErrnoException {
        CallMemory m = CallMemory.take();
        try {
            MemorySegment staging = m.staging();
            long len = Math.min(size, staging.byteSize());
            long n = Unistd.read(fd, len == staging.byteSize() ? staging : staging.asSlice(0, len));
            if (n > 0) {
                MemorySegment.copy(staging, 0, dst, 0, n);
            }
            return readResult(n);
        } finally {
            m.release();
        }
    }

    private static int readResult(long n) {
        return n == Unistd.WOULD_BLOCK ? 0 : n == 0 ? -1 : (int) n;
    }

    /**
     * Writes a segment, from its start.
     *
     * @param src the bytes
     * @return the count written; 0 when the stream cannot take any now. A partial count is normal: write
     *     the rest when the stream is writable again.
     * @throws IllegalStateException                    if {@code src}'s arena is closed
     * @throws WrongThreadException                     if {@code src} is confined to another thread
     * @throws java.nio.channels.ClosedChannelException if this stream is closed
     * @throws ErrnoException                           on an OS error (EPIPE, ECONNRESET, ...)
     */
    public long write(MemorySegment src) throws IOException {
        int fd = liveFd("write");
        long size = src.byteSize();
        if (size == 0) {
            return 0;
        }
        if (!src.isNative()) {
            return writeHeap(fd, src, size);
        }
        long n = writeNative(fd, src);
        return n == Unistd.WOULD_BLOCK ? 0 : n;
    }

    /**
     * Writes a buffer, from its position up to its limit, and advances the position.
     *
     * @param src a heap or direct buffer
     * @return the count written; 0 when the stream cannot take any now
     * @throws java.nio.channels.ClosedChannelException if this stream is closed
     * @throws ErrnoException                           on an OS error
     */
    public int write(ByteBuffer src) throws IOException {
        int fd = liveFd("write");
        int pos = src.position();
        int rem = src.limit() - pos;
        if (rem <= 0) {
            return 0;
        }
        long n;
        if (src.isDirect()) {
            if (src != writeBuf) {
                writeSeg = wholeSegment(src);
                writeBuf = src;
            }
            n = writeNative(fd, writeSeg.asSlice(pos, rem));
            n = n == Unistd.WOULD_BLOCK ? 0 : n;
        } else {
            n = writeHeap(fd, MemorySegment.ofBuffer(src), rem);
        }
        if (n > 0) {
            src.position(pos + (int) n);
        }
        return (int) n;
    }

    private long writeNative(int fd, MemorySegment src) throws ErrnoException {
        return socket ? Sockets.send(fd, src, Sockets.MSG_NOSIGNAL) : Unistd.write(fd, src);
    }

    /** Copies heap bytes through the staging buffer until all are written or the stream is full. */
    private long writeHeap(int fd, MemorySegment src, long size) throws ErrnoException {
        CallMemory m = CallMemory.take();
        try {
            MemorySegment staging = m.staging();
            long done = 0;
            while (done < size) {
                long len = Math.min(size - done, staging.byteSize());
                MemorySegment chunk = len == staging.byteSize() ? staging : staging.asSlice(0, len);
                MemorySegment.copy(src, done, chunk, 0, len);
                long n = writeNative(fd, chunk);
                if (n == Unistd.WOULD_BLOCK) {
                    break;
                }
                done += n;
                if (n < len) {
                    break;
                }
            }
            return done;
        } finally {
            m.release();
        }
    }

    /**
     * Gathering write: writes {@code srcs[offset .. offset+length)} in order, each from its position to its
     * limit, in one system call ({@code sendmsg} on sockets, {@code writev} otherwise), and advances the
     * positions by what was written. Direct buffers go as they are (at most 64 of them per call, each
     * one's memory kept alive for the call); heap buffers are staged (at most 64 KiB of them per call);
     * at most 1024 buffers and 1 GiB go per call. What is left is for the next call: the count may be
     * less than the total.
     *
     * @param srcs   the buffers
     * @param offset the first buffer to write
     * @param length how many buffers
     * @return the count written; 0 when the stream cannot take any now
     * @throws IndexOutOfBoundsException                if offset/length do not fit {@code srcs}
     * @throws IllegalStateException                    if a buffer's memory belongs to a closed arena
     * @throws WrongThreadException                     if a buffer's memory is confined to another thread
     * @throws java.nio.channels.ClosedChannelException if this stream is closed
     * @throws ErrnoException                           on an OS error
     */
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        int fd = liveFd("write");
        int end = offset + length;
        long n;
        CallMemory m = CallMemory.take();
        try {
            for (int i = offset; i < end; i++) {
                ByteBuffer b = srcs[i];
                int rem = b.remaining();
                if (rem == 0) {
                    continue;
                }
                boolean more = b.isDirect()
                        ? m.addNative(gatherSegment(b), b.position(), rem)
                        : m.addHeap(MemorySegment.ofBuffer(b));
                if (!more) {
                    break;
                }
            }
            if (m.count() == 0) {
                return 0;
            }
            n = m.gather(fd, socket);
        } finally {
            m.release();
        }
        if (n <= 0) {
            return 0;
        }
        // What was written is a prefix of the buffers' remaining bytes, in order.
        long left = n;
        for (int i = offset; i < end && left > 0; i++) {
            ByteBuffer b = srcs[i];
            int take = (int) Math.min(b.remaining(), left);
            b.position(b.position() + take);
            left -= take;
        }
        return n;
    }

    /** A segment over a direct buffer's whole capacity, from a small per-stream cache. */
    private MemorySegment gatherSegment(ByteBuffer direct) {
        for (int i = 0; i < gatherBufs.length; i++) {
            if (gatherBufs[i] == direct) {
                return gatherSegs[i];
            }
        }
        int i = gatherNext;
        gatherNext = (i + 1) % gatherBufs.length;
        gatherSegs[i] = wholeSegment(direct);
        gatherBufs[i] = direct;
        return gatherSegs[i];
    }

    /**
     * Gathering write of segments: writes {@code srcs[offset .. offset+length)} in order, each whole, in
     * one system call. Native segments go as they are (at most 64 per call, each one's arena kept open
     * for the call); heap segments are staged (at most 64 KiB of them per call); at most 1024 segments
     * and 1 GiB go per call. The segments are not changed: the caller skips the written count itself.
     *
     * @param srcs   the segments
     * @param offset the first segment to write
     * @param length how many segments
     * @return the count written; 0 when the stream cannot take any now
     * @throws IndexOutOfBoundsException                if offset/length do not fit {@code srcs}
     * @throws IllegalStateException                    if a segment's arena is closed (nothing is written)
     * @throws WrongThreadException                     if a segment is confined to another thread (nothing
     *                                                  is written)
     * @throws java.nio.channels.ClosedChannelException if this stream is closed
     * @throws ErrnoException                           on an OS error
     */
    public long write(MemorySegment[] srcs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        int fd = liveFd("write");
        int end = offset + length;
        CallMemory m = CallMemory.take();
        try {
            for (int i = offset; i < end; i++) {
                MemorySegment seg = srcs[i];
                long size = seg.byteSize();
                if (size == 0) {
                    continue;
                }
                boolean more = seg.isNative() ? m.addNative(seg, 0, size) : m.addHeap(seg);
                if (!more) {
                    break;
                }
            }
            if (m.count() == 0) {
                return 0;
            }
            long n = m.gather(fd, socket);
            return n <= 0 ? 0 : n;
        } finally {
            m.release();
        }
    }

    /**
     * Closes the descriptor. Later calls do nothing.
     *
     * @throws ErrnoException if the system reports an error at close (the descriptor is closed anyway)
     */
    @Override
    public void close() throws IOException {
        int old = takeFd();
        if (old >= 0) {
            Unistd.close(old);
        }
    }

    /**
     * Marks the stream closed and returns the descriptor it had, for subclasses that close differently.
     *
     * @return the descriptor, or -1 when already closed
     */
    final int takeFd() {
        // The cached buffers stay: clearing them could race with a read still running on another thread.
        return (int) FD.getAndSet(this, -1);
    }

    /**
     * Returns the open descriptor or throws.
     *
     * @param operation the operation, for the message
     * @return the descriptor
     * @throws java.nio.channels.ClosedChannelException when closed
     */
    final int liveFd(String operation) throws IOException {
        int f = fd;
        if (f < 0) {
            throw new SocketClosedException(operation, what());
        }
        return f;
    }

    /** @return what this is, for messages: "stream", "socket" */
    String what() {
        return socket ? "socket" : "stream";
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[fd=" + fd + "]";
    }
}
