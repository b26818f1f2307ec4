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
 * {@code connectionLost} cause). Subclasses only cut the bytes into frames. One per connection.
 *
 * @param <F> what the handler receives a frame as
 */
abstract class FramingProtocol<F> implements Protocol {
    private final FrameHandler<F> handler;
    private final Function<MemorySegment, F> view;
    private Transport transport;
    /** The framing error that ended the connection; reported as the cause of connectionLost. */
    private IOException error;

    FramingProtocol(FrameHandler<F> handler, Function<MemorySegment, F> view) {
        this.handler = Objects.requireNonNull(handler, "handler");
        this.view = view;
    }

    /** Cuts received bytes into frames, delivering each; stops when {@link #deliver} returns false. */
    abstract void decode(MemorySegment data);

    /**
     * The stream ended: deliver or reject what is left.
     *
     * @return false if that failed the connection
     */
    abstract boolean endOfStream();

    /** Forgets any partial frame and its memory. */
    abstract void release();

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
        release();
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
        release();
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

    /** @return what this framing is, for the messages of the loop's exception handler */
    abstract String describe();

    @Override
    public String toString() {
        return describe() + " for " + handler;
    }
}
