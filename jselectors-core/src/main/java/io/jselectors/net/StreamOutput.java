package io.jselectors.net;

import io.jselectors.Selector;
import io.jselectors.internal.os.Unistd;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * {@link NativeStream#outputStream()}: {@code java.io} writes in blocking style; each write returns once
 * all its bytes are written. The bytes go from the caller's array straight to the kernel.
 */
final class StreamOutput extends OutputStream {
    private final NativeStream stream;
    private final byte[] one = new byte[1];

    StreamOutput(NativeStream stream) {
        this.stream = stream;
    }

    @Override
    public void write(int b) throws IOException {
        one[0] = (byte) b;
        write(one, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        int done = 0;
        while (done < len) {
            // write(2) also on sockets: the JVM ignores SIGPIPE, so a closed peer gives EPIPE here.
            long n = Unistd.writeArray(stream.liveFd("write"), b, off + done, len - done);
            if (n > 0) {
                done += (int) n;
            } else {
                Blocking.await(stream, Selector.EVENT_WRITE, 0, Blocking.NO_LIMIT);
            }
        }
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }

    @Override
    public String toString() {
        return "OutputStream[" + stream + "]";
    }
}
