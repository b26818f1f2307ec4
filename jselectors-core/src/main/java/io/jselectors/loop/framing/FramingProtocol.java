package io.jselectors.loop.framing;

import io.jselectors.loop.Protocol;
import io.jselectors.loop.Transport;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.function.Function;

/**
 * What both framings share: the protocol's callbacks passed through to the handler, frames delivered
 * while the connection reads, and the end on a framing error (abort, and the error as the handler's
 * {@code connectionLost} cause), and the buffer of a partial frame. Subclasses only cut the bytes into
 * frames. One per connection.
 *
 * @param <F> what the handler receives a frame as
 */
abstract class FramingProtocol<F> implements Protocol {
    private final Object framing;
    private final FrameHandler<F> handler;
    private final Function<MemorySegment, F> view;
    /** The start of a frame split over reads; never more than the limit given. */
    final FrameBuffer partial;
    private Transport transport;
    /** The framing error that ended the connection; reported as the cause of connectionLost. */
    private IOException error;

    /**
     * @param framing the framing, for messages
     * @param limit   the most bytes of a partial frame held
     */
    FramingProtocol(Object framing, FrameHandler<F> handler, Function<MemorySegment, F> view, int limit) {
        this.framing = framing;
        this.handler = Objects.requireNonNull(handler, "handler");
        this.view = view;
        this.partial = new FrameBuffer(limit);
    }

    /** Cuts received bytes into frames, delivering each; stops when {@link #deliver} returns false. */
    abstract void decode(MemorySegment data);

    /**
     * The stream ended: deliver or reject what is left.
     *
     * @return false if that failed the connection
     */
    abstract boolean endOfStream();

    /**
     * Hands one frame to the handler.
     *
     * @return true to go on decoding; false once the connection is closing (the handler closed or
     *         aborted it, or a framing error did)
     */
    final boolean deliver(MemorySegment frame) {
        handler.frameReceived(view.apply(frame));
        return error == null && !transport.isClosing();
    }

    /**
     * A framing error: forget the partial frame, and abort the connection with the error as its cause
     * (the handler's {@code connectionLost} and the transport's {@code closed()} get it).
     */
    final void fail(IOException e) {
        error = e;
        partial.release();
        transport.abort(e);
    }

    @Override
    public final void connectionMade(Transport t) {
        transport = t;
        handler.connectionMade(t);
    }

    @Override
    public final void dataReceived(MemorySegment data) {
        if (error == null) {
            decode(data);
        }
    }

    @Override
    public final boolean eofReceived() {
        if (error != null || !endOfStream()) {
            return false;
        }
        return handler.eofReceived();
    }

    @Override
    public final void connectionLost(Throwable cause) {
        partial.release();
        handler.connectionLost(error != null ? error : cause);
    }

    @Override
    public final void pauseWriting() {
        handler.pauseWriting();
    }

    @Override
    public final void resumeWriting() {
        handler.resumeWriting();
    }

    /** @return the partial frame buffer's array length; for tests */
    final int bufferCapacity() {
        return partial.capacity();
    }

    /** @return the framing and the handler, for the messages of the loop's exception handler */
    @Override
    public String toString() {
        return framing + " for " + handler;
    }
}
