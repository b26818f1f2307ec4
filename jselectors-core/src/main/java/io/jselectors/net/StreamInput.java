package io.jselectors.net;

import io.jselectors.Selector;
import io.jselectors.internal.os.Unistd;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;

/**
 * {@link NativeStream#inputStream()}: {@code java.io} reads in blocking style. The bytes go from the
 * kernel straight into the caller's array, so a reading thread needs no native memory of its own.
 */
final class StreamInput extends InputStream {
    private final NativeStream stream;
    private final long timeoutNanos;
    private final byte[] one = new byte[1];

    StreamInput(NativeStream stream, Duration timeout) {
        this.stream = stream;
        this.timeoutNanos = Blocking.nanos(timeout);
    }

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        long start = System.nanoTime();
        while (true) {
            long n = Unistd.readArray(stream.liveFd("read"), b, off, len);
            if (n > 0) {
                return (int) n;
            }
            if (n == 0) {
                return -1;
            }
            if (!Blocking.await(stream, Selector.EVENT_READ, start, timeoutNanos)) {
                throw new SocketTimeoutException("no data on " + stream + " within " + Duration.ofNanos(timeoutNanos));
            }
        }
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }

    @Override
    public String toString() {
        return "InputStream[" + stream + "]";
    }
}
