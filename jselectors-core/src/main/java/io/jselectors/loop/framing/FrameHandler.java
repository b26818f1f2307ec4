package io.jselectors.loop.framing;

import io.jselectors.loop.Transport;

/**
 * Your code for a framed connection: {@link io.jselectors.loop.Protocol} with whole frames in place of
 * bytes. The loop calls it on its thread, in the protocol's order: {@code connectionMade}, any number of
 * {@code frameReceived}, at most one {@code eofReceived}, and {@code connectionLost} exactly once;
 * {@code pauseWriting}/{@code resumeWriting} are the transport's, passed through unchanged.
 *
 * <p>Only {@link #frameReceived} must be written, so a lambda is a handler:
 * {@code Framing.lines(1024).protocol(line -> System.out.println(line))}.
 *
 * <p>An exception thrown by a method but {@code connectionLost} aborts the connection, as a protocol's
 * does: the loop's exception handler sees it and {@code connectionLost} receives it.
 *
 * @param <F> what a frame is delivered as: a {@link String} for decoded lines
 *            ({@link LineFraming#protocol}), a {@link java.lang.foreign.MemorySegment} valid only during the
 *            call for bytes ({@link LineFraming#bytesProtocol}, {@link LengthFieldFraming#protocol})
 */
@FunctionalInterface
public interface FrameHandler<F> {
    /**
     * The connection is up. Keep the transport to write (through the framing's {@code write}) and close.
     *
     * @param transport the connection
     */
    default void connectionMade(Transport transport) {}

    /**
     * One whole frame arrived, without its delimiter or length header. Frames that came in one read are
     * delivered one after the other in one go; once you {@code close()} or {@code abort()} the transport
     * no more follow. {@link Transport#pauseReading()} stops further reads, not the frames of the read
     * being delivered (as in Netty): at most one read (64 KiB) of frames still comes.
     *
     * @param frame the frame; a {@link java.lang.foreign.MemorySegment} frame is valid only during this
     *              call (copy what you keep, e.g. {@code frame.toArray(ValueLayout.JAVA_BYTE)}; passing it
     *              to a write is fine)
     */
    void frameReceived(F frame);

    /**
     * The peer closed its sending side. A last line without a line feed was delivered just before.
     *
     * @return true to keep the connection open for writing (then close it yourself); false (the default)
     *         to close it after the buffered bytes are sent
     */
    default boolean eofReceived() {
        return false;
    }

    /**
     * The connection is closed; called exactly once.
     *
     * @param cause null for a regular close; a {@link FrameTooLongException} when the peer sent a frame
     *              over the limit, a {@link java.io.EOFException} when the stream ended inside a
     *              length-prefixed frame (both abort the connection with that cause, which the
     *              transport's {@link Transport#closed()} fails with too); else what the transport reports
     *              (see {@link io.jselectors.loop.Protocol#connectionLost})
     */
    default void connectionLost(Throwable cause) {}

    /** The transport's write buffer went above its high-water mark: stop writing until {@link #resumeWriting()}. */
    default void pauseWriting() {}

    /** The transport's write buffer drained to its low-water mark: write again. */
    default void resumeWriting() {}
}
