package io.jselectors.net;

import io.jselectors.ErrnoException;
import io.jselectors.internal.os.Unistd;
import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** A non-blocking pipe: bytes written to the {@link #sink()} come out of the {@link #source()}. */
public final class Pipe implements Closeable {
    private final NativeStream source;
    private final NativeStream sink;

    private Pipe(NativeStream source, NativeStream sink) {
        this.source = source;
        this.sink = sink;
    }

    /**
     * Opens a pipe ({@code pipe2} with O_NONBLOCK and O_CLOEXEC).
     *
     * @return the pipe
     * @throws ErrnoException on EMFILE, ENFILE, ...
     */
    public static Pipe open() throws IOException {
        MemorySegment fds = Scratch.get().fds;
        try {
            Unistd.pipe2(fds, Unistd.O_NONBLOCK | Unistd.O_CLOEXEC);
        } catch (ErrnoException e) {
            throw Errors.withHint(e, false);
        }
        return new Pipe(
                new NativeStream(fds.getAtIndex(ValueLayout.JAVA_INT, 0), false),
                new NativeStream(fds.getAtIndex(ValueLayout.JAVA_INT, 1), false));
    }

    /**
     * Returns the reading end.
     *
     * @return the reading end
     */
    public NativeStream source() {
        return source;
    }

    /**
     * Returns the writing end. Writing after the source is closed throws EPIPE.
     *
     * @return the writing end
     */
    public NativeStream sink() {
        return sink;
    }

    /**
     * Closes both ends (each may also be closed alone).
     *
     * @throws IOException if a close fails (both are attempted)
     */
    @Override
    public void close() throws IOException {
        try {
            sink.close();
        } finally {
            source.close();
        }
    }

    @Override
    public String toString() {
        return "Pipe[source=" + source.fileno() + ", sink=" + sink.fileno() + "]";
    }
}
