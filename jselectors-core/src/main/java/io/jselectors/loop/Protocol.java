package io.jselectors.loop;

import java.lang.foreign.MemorySegment;

/**
 * What a stream connection does with its events: asyncio's {@code Protocol}. The loop calls these
 * methods on its thread, in this order: {@code connectionMade}, then any number of
 * {@code dataReceived}, at most one {@code eofReceived}, and {@code connectionLost} exactly once.
 * {@code pauseWriting}/{@code resumeWriting} come in pairs, any time before {@code connectionLost}.
 *
 * <p>An exception thrown by any method but {@code connectionLost} goes to the loop's exception handler
 * and aborts the connection; {@code connectionLost} then receives that exception as its cause.
 *
 * <p>These methods must not block the loop. Slow work goes to another thread as a future, and its result
 * comes back to the loop thread through the loop, which is an {@link java.util.concurrent.Executor}:
 * <pre>{@code
 * public void dataReceived(MemorySegment data) {
 *     byte[] request = data.toArray(ValueLayout.JAVA_BYTE);     // data is valid only during this call
 *     CompletableFuture.supplyAsync(() -> answer(request), workers)
 *             .thenAcceptAsync(transport::write, transport.loop());
 * }
 * }</pre>
 */
public interface Protocol {
    /**
     * The connection is up. Keep the transport to write and close.
     *
     * @param transport the connection
     */
    default void connectionMade(Transport transport) {}

    /**
     * Bytes arrived.
     *
     * @param data the bytes, in the loop's shared read buffer: valid only during this call. Copy what
     *             you need to keep; passing it to {@link Transport#write(MemorySegment)} is fine (it
     *             copies only what it cannot send at once).
     */
    default void dataReceived(MemorySegment data) {}

    /**
     * The peer closed its sending side (half-close). No more {@code dataReceived} follow.
     *
     * @return true to keep the connection open for writing (then close it yourself); false (the
     *         default) to close it, after the buffered bytes are sent
     */
    default boolean eofReceived() {
        return false;
    }

    /**
     * The connection is closed; called exactly once, after which the transport is unusable.
     *
     * @param cause null for a regular close (either side), else what ended it: an
     *              {@link io.jselectors.ErrnoException} such as ECONNRESET or EPIPE, the exception a
     *              protocol method threw, or an {@link java.io.IOException} when the loop was closed
     */
    default void connectionLost(Throwable cause) {}

    /**
     * The transport's write buffer went above its high-water mark: stop writing until
     * {@link #resumeWriting()}. Writing anyway still works, but memory grows.
     */
    default void pauseWriting() {}

    /** The write buffer drained to its low-water mark: write again. */
    default void resumeWriting() {}
}
