package io.jselectors.loop.framing;

import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Where framings are made. A framing is immutable: make it once, then give each connection a protocol
 * of its own and write frames through it:
 *
 * {@snippet :
 * LineFraming lines = Framing.lines(1024);
 * loop.createServer(address, () -> lines.protocol(new FrameHandler<String>() {
 *     Transport transport;
 *     public void connectionMade(Transport t) { transport = t; }
 *     public void frameReceived(String line) { lines.write(transport, line.toUpperCase()); }
 * }));
 * }
 */
public final class Framing {
    /** The largest maximum a framing takes: 1 GiB. */
    public static final int MAX_LIMIT = 1 << 30;

    private Framing() {}

    /**
     * Lines of UTF-8 text, at most {@code maxLength} bytes each; writes end them with {@code \n}.
     *
     * @param maxLength the most bytes a line may have, without its line feed; 0 to {@link #MAX_LIMIT}
     * @return the framing
     * @throws IllegalArgumentException if {@code maxLength} is out of range
     */
    public static LineFraming lines(int maxLength) {
        return new LineFraming(maxLength, StandardCharsets.UTF_8, false);
    }

    /**
     * Lines of text in a charset, at most {@code maxLength} bytes each; writes end them with {@code \n}.
     *
     * @param maxLength the most bytes a line may have, without its line feed; 0 to {@link #MAX_LIMIT}
     * @param charset   an ASCII-compatible charset (one that writes {@code \r\n} as the bytes 0x0D 0x0A)
     * @return the framing
     * @throws IllegalArgumentException if {@code maxLength} is out of range or the charset writes a line
     *                                  feed otherwise (UTF-16, UTF-32)
     */
    public static LineFraming lines(int maxLength, Charset charset) {
        return new LineFraming(maxLength, charset, false);
    }

    /**
     * Frames with a 4-byte big-endian (network order) length header, at most {@code maxFrame} bytes each.
     *
     * @param maxFrame the most bytes a frame may have, without its header; 0 to {@link #MAX_LIMIT}
     * @return the framing
     * @throws IllegalArgumentException if {@code maxFrame} is out of range
     */
    public static LengthFieldFraming lengthPrefixed(int maxFrame) {
        return new LengthFieldFraming(4, ByteOrder.BIG_ENDIAN, maxFrame);
    }

    /**
     * Frames with an unsigned length header of {@code headerBytes} bytes in {@code order}, at most
     * {@code maxFrame} bytes each.
     *
     * @param headerBytes 1, 2 or 4
     * @param order       the header's byte order
     * @param maxFrame    the most bytes a frame may have, without its header; 0 to {@link #MAX_LIMIT},
     *                    and no more than the header can say (255 for 1 byte, 65535 for 2)
     * @return the framing
     * @throws IllegalArgumentException if {@code headerBytes} is not 1, 2 or 4, or {@code maxFrame} is out
     *                                  of range
     */
    public static LengthFieldFraming lengthPrefixed(int headerBytes, ByteOrder order, int maxFrame) {
        return new LengthFieldFraming(headerBytes, order, maxFrame);
    }

    static int checkMax(String name, int max) {
        if (max < 0 || max > MAX_LIMIT) {
            throw new IllegalArgumentException(name + " must be 0 to " + MAX_LIMIT + " (1 GiB); got " + max);
        }
        return max;
    }
}
