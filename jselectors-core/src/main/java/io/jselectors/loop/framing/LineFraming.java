package io.jselectors.loop.framing;

import io.jselectors.loop.Protocol;
import io.jselectors.loop.Transport;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.Charset;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;

/**
 * Lines: each frame ends with a line feed ({@code \n}), and a carriage return just before it is dropped
 * too, so both {@code \n} and {@code \r\n} end a line; a carriage return anywhere else is part of the
 * line. Immutable and shareable: one {@code LineFraming} serves every connection, each through a
 * {@link Protocol} of its own from {@link #protocol} or {@link #bytesProtocol}. Make one with
 * {@link Framing#lines(int)} or {@link Framing#lines(int, Charset)}.
 *
 * <h2>Limits and errors</h2>
 * A line may have at most {@link #maxLength()} bytes, not counting its line feed and carriage return.
 * As soon as the bytes of a line without a line feed pass that, the connection is aborted (the peer sees
 * a reset) and the handler's {@code connectionLost} receives a {@link FrameTooLongException} naming the
 * limit and the bytes seen. No more than {@code maxLength + 1} bytes of a partial line are ever held.
 *
 * <h2>The end of the stream</h2>
 * When the stream ends after a last line without a line feed, that line is delivered as it is (less a
 * final carriage return), then {@link FrameHandler#eofReceived()} is called, as Java's
 * {@code BufferedReader.readLine} and asyncio's {@code readline} return it. An empty rest delivers
 * nothing.
 *
 * <h2>Writing</h2>
 * {@link #write(Transport, CharSequence)} and {@link #write(Transport, MemorySegment)} append the line
 * feed ({@code \r\n} after {@link #withCrlf()}). They refuse a line this framing could not read back as
 * the same one: one holding a line feed, ending with a carriage return, or longer than the maximum.
 */
public final class LineFraming {
    private static final MemorySegment LF = MemorySegment.ofArray(new byte[] {'\n'}).asReadOnly();
    private static final MemorySegment CRLF = MemorySegment.ofArray(new byte[] {'\r', '\n'}).asReadOnly();

    private final int maxLength;
    private final Charset charset;
    private final boolean crlf;

    LineFraming(int maxLength, Charset charset, boolean crlf) {
        this.maxLength = Framing.checkMax("maxLength", maxLength);
        this.charset = Objects.requireNonNull(charset, "charset");
        if (!Arrays.equals("\r\n".getBytes(charset), new byte[] {'\r', '\n'})) {
            throw new IllegalArgumentException("lines are cut at the byte 0x0A, but " + charset
                    + " does not write a line feed as that one byte; use UTF-8 or another ASCII-compatible charset");
        }
        this.crlf = crlf;
    }

    /**
     * Returns the most bytes a line may have, without its line feed and carriage return.
     *
     * @return the most bytes a line may have, without its line feed and carriage return
     */
    public int maxLength() {
        return maxLength;
    }

    /**
     * Returns the charset lines are decoded and encoded with.
     *
     * @return the charset lines are decoded and encoded with
     */
    public Charset charset() {
        return charset;
    }

    /**
     * Returns a framing like this one whose writes end lines with {@code \r\n} (as SMTP, HTTP and
     * friends want); reading accepts both endings either way.
     *
     * @return a framing like this one whose writes end lines with {@code \r\n}
     */
    public LineFraming withCrlf() {
        return new LineFraming(maxLength, charset, true);
    }

    /**
     * Returns true if writes end lines with {@code \r\n}, false for {@code \n}.
     *
     * @return true if writes end lines with {@code \r\n}, false for {@code \n}
     */
    public boolean writesCrlf() {
        return crlf;
    }

    /**
     * Makes the protocol of one connection, delivering lines as strings. A line is decoded with
     * {@link #charset()}; bytes that are not valid there become U+FFFD (as {@code new String(bytes, charset)}
     * does).
     *
     * @param handler what to do with the lines; one per connection unless it keeps no state
     * @return a new protocol, for one connection
     */
    public Protocol protocol(FrameHandler<String> handler) {
        return new LineDecoder<>(this, handler, this::decode);
    }

    /**
     * Makes the protocol of one connection, delivering lines as bytes: a segment valid only during
     * {@link FrameHandler#frameReceived}, a slice of the read itself when the line came whole in one read.
     *
     * @param handler what to do with the lines; one per connection unless it keeps no state
     * @return a new protocol, for one connection
     */
    public Protocol bytesProtocol(FrameHandler<MemorySegment> handler) {
        return new LineDecoder<>(this, handler, Function.identity());
    }

    /**
     * Writes one line and its line feed, encoded with {@link #charset()} (characters it cannot encode
     * become its replacement, as {@link String#getBytes(Charset)} does).
     *
     * @param transport the connection
     * @param line      the line, without line feed
     * @throws IllegalArgumentException if the line holds a line feed, ends with a carriage return, or
     *                                  has more than {@link #maxLength()} bytes encoded; nothing is written
     * @throws IllegalStateException    as {@link Transport#write(byte[])} (closing, wrong thread)
     */
    public void write(Transport transport, CharSequence line) {
        byte[] text = line.toString().getBytes(charset);
        check(MemorySegment.ofArray(text));
        MemorySegment end = crlf ? CRLF : LF;
        byte[] all = Arrays.copyOf(text, text.length + (int) end.byteSize());
        MemorySegment.copy(end, ValueLayout.JAVA_BYTE, 0, all, text.length, (int) end.byteSize());
        transport.write(all);
    }

    /**
     * Writes one line of bytes and its line feed, with one gathering write.
     *
     * @param transport the connection
     * @param line      the line's bytes, without line feed
     * @throws IllegalArgumentException if the line holds a line feed, ends with a carriage return, or
     *                                  has more than {@link #maxLength()} bytes; nothing is written
     * @throws IllegalStateException    as {@link Transport#writev} (closing, a closed arena, wrong thread)
     */
    public void write(Transport transport, MemorySegment line) {
        check(line);
        transport.writev(line, crlf ? CRLF : LF);
    }

    private void check(MemorySegment line) {
        long size = line.byteSize();
        if (size > maxLength) {
            throw new IllegalArgumentException("line of " + size + " bytes is over this framing's maxLength of "
                    + maxLength + "; nothing was written");
        }
        for (long i = 0; i < size; i++) {
            if (line.get(ValueLayout.JAVA_BYTE, i) == '\n') {
                throw new IllegalArgumentException("line holds a line feed at byte " + i
                        + ": it would arrive as two lines; nothing was written (write each line by itself)");
            }
        }
        if (size > 0 && line.get(ValueLayout.JAVA_BYTE, size - 1) == '\r') {
            throw new IllegalArgumentException(
                    "line ends with a carriage return, which the reader drops as part of \\r\\n; nothing was written");
        }
    }

    /** Decodes a line: straight from the array when it is one, else through a copy. */
    String decode(MemorySegment line) {
        int length = (int) line.byteSize();
        if (line.heapBase().orElse(null) instanceof byte[] array) {
            return new String(array, (int) line.address(), length, charset);
        }
        return new String(line.toArray(ValueLayout.JAVA_BYTE), charset);
    }

    @Override
    public String toString() {
        return "LineFraming[maxLength=" + maxLength + ", " + charset + (crlf ? ", writes \\r\\n" : "") + "]";
    }
}
