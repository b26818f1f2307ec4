package io.jselectors.loop.framing;

import io.jselectors.loop.Protocol;
import io.jselectors.loop.Transport;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Length-prefixed frames: each frame is an unsigned length header of 1, 2 or 4 bytes in a given byte
 * order, then that many bytes (the length counts the frame alone, not its header). Immutable and
 * shareable: one {@code LengthFieldFraming} serves every connection, each through a {@link Protocol} of
 * its own from {@link #protocol}. Make one with {@link Framing#lengthPrefixed(int)} or
 * {@link Framing#lengthPrefixed(int, ByteOrder, int)}.
 *
 * <h2>Limits and errors</h2>
 * A frame may have at most {@link #maxFrame()} bytes. A header above that aborts the connection at once
 * (the peer sees a reset) and the handler's {@code connectionLost} receives a
 * {@link FrameTooLongException} naming the limit and the length the header gave; none of that frame is
 * read or kept. No more than {@code maxFrame} bytes of a partial frame are ever held. A stream that ends
 * inside a header or a frame was cut short: the connection is aborted and {@code connectionLost}
 * receives a {@link java.io.EOFException} saying how much of it came; a stream that ends between frames
 * calls {@link FrameHandler#eofReceived()}.
 *
 * <h2>Writing</h2>
 * {@link #write(Transport, MemorySegment)} sends the header and the frame with one gathering write.
 */
public final class LengthFieldFraming {
    private final int headerBytes;
    private final ByteOrder order;
    private final int maxFrame;
    private final ValueLayout layout;

    LengthFieldFraming(int headerBytes, ByteOrder order, int maxFrame) {
        this.order = Objects.requireNonNull(order, "order");
        this.maxFrame = Framing.checkMax("maxFrame", maxFrame);
        this.layout = switch (headerBytes) {
            case 1 -> ValueLayout.JAVA_BYTE;
            case 2 -> ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order);
            case 4 -> ValueLayout.JAVA_INT_UNALIGNED.withOrder(order);
            default -> throw new IllegalArgumentException(
                    "headerBytes must be 1, 2 or 4; got " + headerBytes);
        };
        this.headerBytes = headerBytes;
        long most = headerBytes == 4 ? 0xFFFF_FFFFL : (1L << (8 * headerBytes)) - 1;
        if (maxFrame > most) {
            throw new IllegalArgumentException("maxFrame " + maxFrame + " does not fit a " + headerBytes
                    + "-byte length header (at most " + most + "); use a longer header or a smaller maxFrame");
        }
    }

    /**
     * Returns the length header's size in bytes: 1, 2 or 4.
     *
     * @return the length header's size in bytes: 1, 2 or 4
     */
    public int headerBytes() {
        return headerBytes;
    }

    /**
     * Returns the byte order of the length header.
     *
     * @return the byte order of the length header
     */
    public ByteOrder order() {
        return order;
    }

    /**
     * Returns the most bytes a frame may have, without its header.
     *
     * @return the most bytes a frame may have, without its header
     */
    public int maxFrame() {
        return maxFrame;
    }

    /**
     * Makes the protocol of one connection. Each frame reaches the handler as a segment valid only
     * during {@link FrameHandler#frameReceived}: a slice of the read itself when the frame came whole in
     * one read, else of the connection's frame buffer. A frame of length 0 is delivered as an empty segment.
     *
     * @param handler what to do with the frames; one per connection unless it keeps no state
     * @return a new protocol, for one connection
     */
    public Protocol protocol(FrameHandler<MemorySegment> handler) {
        return new LengthFieldDecoder(this, handler);
    }

    /**
     * Writes one frame: its length header, then its bytes, with one gathering write.
     *
     * @param transport the connection
     * @param frame     the frame's bytes
     * @throws IllegalArgumentException if the frame has more than {@link #maxFrame()} bytes; nothing is
     *                                  written
     * @throws IllegalStateException    as {@link Transport#writev} (closing, a closed arena, wrong thread)
     */
    public void write(Transport transport, MemorySegment frame) {
        long size = frame.byteSize();
        if (size > maxFrame) {
            throw new IllegalArgumentException("frame of " + size + " bytes is over this framing's maxFrame of "
                    + maxFrame + "; nothing was written");
        }
        MemorySegment header = MemorySegment.ofArray(new byte[headerBytes]);
        switch (headerBytes) {
            case 1 -> header.set(ValueLayout.JAVA_BYTE, 0, (byte) size);
            case 2 -> header.set((ValueLayout.OfShort) layout, 0, (short) size);
            default -> header.set((ValueLayout.OfInt) layout, 0, (int) size);
        }
        transport.writev(header, frame);
    }

    /**
     * Writes one frame from an array: its length header, then its bytes.
     *
     * @param transport the connection
     * @param frame     the frame's bytes
     * @throws IllegalArgumentException if the frame has more than {@link #maxFrame()} bytes; nothing is
     *                                  written
     * @throws IllegalStateException    as {@link Transport#writev} (closing, wrong thread)
     */
    public void write(Transport transport, byte[] frame) {
        write(transport, MemorySegment.ofArray(frame));
    }

    /** Reads the unsigned length header at {@code offset}. */
    long readLength(MemorySegment data, long offset) {
        return switch (headerBytes) {
            case 1 -> Byte.toUnsignedLong(data.get(ValueLayout.JAVA_BYTE, offset));
            case 2 -> Short.toUnsignedLong(data.get((ValueLayout.OfShort) layout, offset));
            default -> Integer.toUnsignedLong(data.get((ValueLayout.OfInt) layout, offset));
        };
    }

    @Override
    public String toString() {
        return "LengthFieldFraming[" + headerBytes + "-byte header, " + order + ", maxFrame=" + maxFrame + "]";
    }
}
