package io.jselectors.loop.framing;

import java.io.IOException;

/**
 * The peer sent a frame over the framing's maximum: a line with no line feed within the maximum length,
 * or a length header above the maximum frame size. The framing aborts the connection as soon as it
 * knows (the peer sees a reset; nothing of the frame was delivered, and no more than the maximum was
 * ever held) with this exception as the cause: the handler's {@link FrameHandler#connectionLost} gets it,
 * and the transport's {@link io.jselectors.loop.Transport#closed()} completes exceptionally with it.
 */
public final class FrameTooLongException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The maximum, in bytes. */
    private final long limit;
    /** The frame's size as far as it was seen, in bytes. */
    private final long size;

    FrameTooLongException(String message, long limit, long size) {
        super(message);
        this.limit = limit;
        this.size = size;
    }

    /**
     * Returns the maximum the frame went over.
     *
     * @return the maximum the frame went over, in bytes
     */
    public long limit() {
        return limit;
    }

    /**
     * Returns the frame's size as far as it was seen: a length header's value, or, for a line, the bytes
     * seen before the limit was known to be passed (the line is at least that long).
     *
     * @return the frame's size as far as it was seen, in bytes; more than {@link #limit()}
     */
    public long size() {
        return size;
    }
}
