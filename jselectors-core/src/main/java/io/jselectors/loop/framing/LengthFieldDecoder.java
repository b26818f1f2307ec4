package io.jselectors.loop.framing;

import java.io.EOFException;
import java.lang.foreign.MemorySegment;
import java.util.function.Function;

/**
 * Cuts a stream into frames that each start with an unsigned length header. A frame that sits whole in
 * one read is delivered as a slice of it (no copy); only a frame split over reads is gathered, in a
 * buffer of at most the maximum frame size, and a header over the maximum fails the connection before
 * any of its frame is kept.
 */
final class LengthFieldDecoder extends FramingProtocol<MemorySegment> {
    private final LengthFieldFraming framing;
    private final int headerBytes;
    /** The bytes of a header split over reads. */
    private final byte[] header = new byte[4];
    private int headerHave;
    /** The length of the frame being read; -1 while its header is. */
    private long frameLength = -1;

    LengthFieldDecoder(LengthFieldFraming framing, FrameHandler<MemorySegment> handler) {
        super(framing, handler, Function.identity(), framing.maxFrame());
        this.framing = framing;
        this.headerBytes = framing.headerBytes();
    }

    @Override
    void decode(MemorySegment data) {
        long n = data.byteSize();
        long pos = 0;
        while (pos < n) {
            if (frameLength < 0) {
                if (headerHave == 0 && n - pos >= headerBytes) {
                    frameLength = framing.readLength(data, pos);
                    pos += headerBytes;
                } else {
                    int take = (int) Math.min(headerBytes - headerHave, n - pos);
                    MemorySegment.copy(data, pos, MemorySegment.ofArray(header), headerHave, take);
                    headerHave += take;
                    pos += take;
                    if (headerHave < headerBytes) {
                        return;
                    }
                    headerHave = 0;
                    frameLength = framing.readLength(MemorySegment.ofArray(header), 0);
                }
                if (frameLength > framing.maxFrame()) {
                    fail(new FrameTooLongException("frame too long: its header says " + frameLength
                            + " bytes, over the limit of " + framing.maxFrame() + " bytes; the connection was aborted"
                            + " (if the peer is right, raise maxFrame in Framing.lengthPrefixed)",
                            framing.maxFrame(), frameLength));
                    return;
                }
            }
            long rest = n - pos;
            MemorySegment frame;
            if (partial.isEmpty() && rest >= frameLength) {
                frame = data.asSlice(pos, frameLength);
                pos += frameLength;
            } else {
                int take = (int) Math.min(frameLength - partial.size(), rest);
                partial.append(data, pos, take);
                pos += take;
                if (partial.size() < frameLength) {
                    return;
                }
                frame = partial.take((int) frameLength);
            }
            frameLength = -1;
            if (!deliver(frame)) {
                return;
            }
        }
    }

    /** A stream that ends inside a frame was cut short: an error, not a frame. */
    @Override
    boolean endOfStream() {
        if (headerHave > 0) {
            fail(new EOFException("the stream ended inside a frame's " + headerBytes + "-byte length header ("
                    + headerHave + " of its bytes came); the connection was aborted"));
            return false;
        }
        if (frameLength >= 0) {
            fail(new EOFException("the stream ended inside a frame: " + partial.size() + " of its " + frameLength
                    + " bytes came; the connection was aborted"));
            return false;
        }
        return true;
    }
}
