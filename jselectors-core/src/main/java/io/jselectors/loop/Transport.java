package io.jselectors.loop;

import io.jselectors.net.SocketOptions;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * One stream connection (TCP or Unix) of an {@link EventLoop}: asyncio's {@code Transport}. Call it on
 * the loop thread only (from another thread it throws {@link IllegalStateException}: use
 * {@link EventLoop#execute(Runnable)}).
 *
 * <h2>Writing</h2>
 * A write sends at once what the socket takes and copies only the rest into the transport's buffer,
 * which the loop sends as the socket drains; a connection holds buffer memory only while it has unsent
 * bytes. When the buffer grows above the high-water mark the protocol's {@link Protocol#pauseWriting()}
 * is called, and {@link Protocol#resumeWriting()} once it is back to the low-water mark.
 *
 * <p>After {@link #close()}, {@link #shutdownOutput()} or {@link #abort()}, writing throws
 * {@link IllegalStateException}. After the connection failed (reset, broken pipe) but before the
 * protocol has seen {@code connectionLost}, writes are silently dropped: the protocol learns of the
 * failure from {@code connectionLost}.
 *
 * <p>A segment of a closed arena throws {@link IllegalStateException}, a segment confined to another
 * thread {@link WrongThreadException} (the JDK's own exceptions), before anything is sent: the
 * connection goes on as if the write had not been made.
 *
 * <h2>Ending</h2>
 * Whenever unsent bytes are dropped ({@link #abort()}, a protocol method that throws, a failed write,
 * the loop closing), the connection ends with a reset (TCP: {@code SO_LINGER} 0, then close; the peer
 * reads ECONNRESET), never with an orderly end of stream the peer could take for a complete one. A
 * Unix socket has no such reset: its peer sees end of stream, except that on Linux a Unix socket closed
 * with received bytes still unread gives its peer ECONNRESET.
 *
 * <p>{@link #closed()} (callable from any thread) is a future of the connection's end: it completes as
 * {@link Protocol#connectionLost} returns, normally when that got {@code null} and exceptionally with its
 * cause otherwise, so {@code loop.runUntil(transport.closed())} runs a loop until the connection is over.
 */
public interface Transport {
    /** Default high-water mark of the write buffer: 64 KiB. */
    long DEFAULT_HIGH_WATER = 64 * 1024;
    /** Default low-water mark of the write buffer: 16 KiB. */
    long DEFAULT_LOW_WATER = 16 * 1024;

    /**
     * Writes bytes. Native segments go to the kernel without a copy; only what it does not take at
     * once is copied. Allocates nothing unless bytes must wait.
     *
     * @param data the bytes; the caller may reuse it (or close its arena) as soon as this returns
     * @throws IllegalStateException if the transport is closing or its output is shut down, or if
     *                               {@code data}'s arena is closed
     * @throws WrongThreadException  if {@code data} is confined to another thread
     */
    void write(MemorySegment data);

    /**
     * Writes a buffer's remaining bytes, and advances its position to its limit.
     *
     * @param data the bytes
     * @throws IllegalStateException if the transport is closing or its output is shut down
     */
    void write(ByteBuffer data);

    /**
     * Writes a byte array.
     *
     * @param data the bytes
     * @throws IllegalStateException if the transport is closing or its output is shut down
     */
    void write(byte[] data);

    /**
     * Writes several segments in order, with one gathering system call when nothing is buffered.
     *
     * @param data the segments
     * @throws IllegalStateException if the transport is closing or its output is shut down, or if a
     *                               segment's arena is closed (then nothing is written)
     * @throws WrongThreadException  if a segment is confined to another thread (then nothing is written)
     */
    void writev(MemorySegment... data);

    /**
     * Closes gracefully: stops reading, sends what is buffered, then closes; the protocol then gets
     * {@code connectionLost(null)}. Idempotent.
     */
    void close();

    /**
     * Closes now: drops the buffered bytes and resets the connection (a TCP peer sees ECONNRESET; a Unix
     * socket's peer, end of stream); the protocol then gets {@code connectionLost(null)}. Idempotent;
     * after {@link #close()} it cuts the flush short.
     */
    void abort();

    /**
     * Closes now, as {@link #abort()} does, and ends the connection with a cause: the protocol's
     * {@code connectionLost} receives it and {@link #closed()} completes exceptionally with it. For a
     * protocol that finds the peer broke its rules (the framings of {@code io.jselectors.loop.framing} end
     * a connection so on an oversize frame). The cause is the connection's end, not a failing callback:
     * the loop's exception handler does not see it. Idempotent: once the connection is lost (after
     * {@code abort}, a fault, or the close's flush), it does nothing and the cause is dropped.
     *
     * @param cause why the connection ends; null is {@link #abort()}
     */
    void abort(Throwable cause);

    /**
     * Half-closes: after the buffered bytes are sent the peer sees end of stream, while this side can
     * still read. Idempotent. Once the peer has also closed its side, the transport closes.
     */
    void shutdownOutput();

    /** Stops calling {@link Protocol#dataReceived} until {@link #resumeReading()}. Idempotent. */
    void pauseReading();

    /** Reads again after {@link #pauseReading()}. Idempotent. */
    void resumeReading();

    /**
     * Returns true unless reading is paused or over (closing, end of stream).
     *
     * @return true unless reading is paused or over (closing, end of stream)
     */
    boolean isReading();

    /**
     * Sets the write buffer's flow-control marks.
     *
     * @param high pause the protocol when more than this many bytes wait; {@code >= low}
     * @param low  resume it when at most this many wait; {@code >= 0}
     * @throws IllegalArgumentException if {@code low < 0} or {@code high < low}
     */
    void setWriteBufferLimits(long high, long low);

    /**
     * Returns the high-water mark.
     *
     * @return the high-water mark
     */
    long writeBufferHighWater();

    /**
     * Returns the low-water mark.
     *
     * @return the low-water mark
     */
    long writeBufferLowWater();

    /**
     * Returns the bytes written but not yet sent.
     *
     * @return the bytes written but not yet sent
     */
    long writeBufferSize();

    /**
     * Returns the local address; null once closed.
     *
     * @return the local address; null once closed
     */
    SocketAddress localAddress();

    /**
     * Returns the peer's address (an empty-path Unix address for unnamed Unix peers); null once closed.
     *
     * @return the peer's address (an empty-path Unix address for unnamed Unix peers); null once closed
     */
    SocketAddress remoteAddress();

    /**
     * Returns the future of this connection's end. Thread-safe; the same future every call.
     *
     * <p>It completes right after {@link Protocol#connectionLost} returns (the socket is closed by then),
     * on the loop thread (or on the thread that closes the loop while it does not run), with what
     * {@code connectionLost} got: <b>normally</b> (value {@code null}) after a
     * clean end — {@link #close()}, {@link #abort()}, the peer's orderly close — and
     * <b>exceptionally</b> with the cause otherwise: an {@link io.jselectors.ErrnoException} for a fault
     * (ECONNRESET when the peer reset, EPIPE, ...), what a protocol method threw, the cause given to
     * {@link #abort(Throwable)}, or an {@link java.io.IOException} "the event loop was closed" when the
     * loop closed under the connection.
     *
     * <p>Dependent stages registered before it completes run where it completes: on the loop thread,
     * inside the loop's round, where they may use the loop and its transports as any callback does (they
     * must not block it).
     * The future is the loop's to complete: {@code complete}, {@code completeExceptionally},
     * {@code obtrude...}, {@code completeAsync}, {@code orTimeout} and {@code completeOnTimeout} throw
     * {@link UnsupportedOperationException} (take a {@code copy()} to add a timeout), and
     * {@code cancel} returns false and does nothing (call {@link #close()} or {@link #abort()}).
     *
     * @return the future of the connection's end
     */
    CompletableFuture<Void> closed();

    /**
     * Returns true once the transport is closing or closed, by either side.
     *
     * @return true once the transport is closing or closed, by either side
     */
    boolean isClosing();

    /**
     * Reads the connection's socket options as the kernel has them now ({@code getsockopt} each): TCP
     * ones are null on a Unix socket, and buffer sizes are the kernel's (on Linux twice what was set).
     *
     * @return the options
     * @throws IOException                   when a getsockopt fails, or the transport's socket is closed
     * @throws UnsupportedOperationException if this kind of transport has no socket (the default)
     */
    default SocketOptions socketOptions() throws IOException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no socket options");
    }

    /**
     * Sets the non-null options on the live connection, each with a checked {@code setsockopt}, stopping
     * at the first failure (TCP ones are skipped on a Unix socket), e.g.
     * {@code t.setSocketOptions(SocketOptions.NONE.withKeepAlive(true))}.
     *
     * @param options the options
     * @throws IOException                   an {@link io.jselectors.ErrnoException} naming the setsockopt, the
     *                                       fd and the value; or the socket is closed
     * @throws UnsupportedOperationException for a keep-alive timing option this platform lacks, or if this
     *                                       kind of transport has no socket (the default)
     */
    default void setSocketOptions(SocketOptions options) throws IOException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no socket options");
    }

    /**
     * Returns the loop this transport runs on.
     *
     * @return the loop this transport runs on
     */
    EventLoop loop();
}
