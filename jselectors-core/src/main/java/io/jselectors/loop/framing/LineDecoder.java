package io.jselectors.loop.framing;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.Function;

/**
 * Cuts a stream into lines at each line feed, dropping a carriage return just before it. A line that
 * sits whole in one read is delivered as a slice of it (no copy); only the start of a line split over
 * reads is kept, in a buffer of at most {@code maxLength + 1} bytes (the line and a carriage return whose
 * line feed has not come yet).
 */
final class LineDecoder<F> extends FramingProtocol<F> {
    private static final byte LF = '\n';
    private static final byte CR = '\r';

    private final int max;

    LineDecoder(LineFraming framing, FrameHandler<F> handler, Function<MemorySegment, F> view) {
        super(framing, handler, view, framing.maxLength() + 1);
        this.max = framing.maxLength();
    }

    @Override
    void decode(MemorySegment data) {
        long n = data.byteSize();
        long pos = 0;
        while (pos < n) {
            long lf = indexOfLf(data, pos, n);
            if (lf < 0) {
                keep(data, pos, n - pos);
                return;
            }
            long upToLf = lf - pos;
            boolean cr = upToLf > 0 ? data.get(ValueLayout.JAVA_BYTE, lf - 1) == CR : !partial.isEmpty() && partial.last() == CR;
            long length = partial.size() + upToLf - (cr ? 1 : 0);
            if (length > max) {
                fail(tooLong(length, false));
                return;
            }
            MemorySegment line;
            if (partial.isEmpty()) {
                line = data.asSlice(pos, length);
            } else {
                partial.append(data, pos, (int) upToLf);
                line = partial.take((int) length);
            }
            pos = lf + 1;
            if (!deliver(line)) {
                return;
            }
        }
    }

    /** Keeps the start of a line, unless it is already known to be over the limit. */
    private void keep(MemorySegment data, long pos, long count) {
        boolean cr = data.get(ValueLayout.JAVA_BYTE, pos + count - 1) == CR;
        long atLeast = partial.size() + count - (cr ? 1 : 0);
        if (atLeast > max) {
            fail(tooLong(atLeast, true));
            return;
        }
        partial.append(data, pos, (int) count);
    }

    private static long indexOfLf(MemorySegment data, long from, long to) {
        for (long i = from; i < to; i++) {
            if (data.get(ValueLayout.JAVA_BYTE, i) == LF) {
                return i;
            }
        }
        return -1;
    }

    private FrameTooLongException tooLong(long length, boolean atLeast) {
        String seen = atLeast ? "at least " + length + " bytes without a line feed" : length + " bytes";
        return new FrameTooLongException("line too long: " + seen + ", over the limit of " + max
                + " bytes; the connection was aborted (if the peer is right, raise maxLength in Framing.lines)",
                max, length);
    }

    /** The last line may lack its line feed: it is delivered as it is (less a final carriage return). */
    @Override
    boolean endOfStream() {
        if (!partial.isEmpty()) {
            int length = partial.size() - (partial.last() == CR ? 1 : 0);
            deliver(partial.take(length));
        }
        return true;
    }
}
