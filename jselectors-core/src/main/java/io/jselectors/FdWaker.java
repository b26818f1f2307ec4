package io.jselectors;

import io.jselectors.internal.os.EventFd;
import io.jselectors.internal.os.Unistd;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** A waker the selector watches for reading: an eventfd on Linux, a non-blocking pipe elsewhere. */
final class FdWaker extends Waker {
    /** The 8-byte value 1 that every wakeup writes; never written, never freed. */
    private static final MemorySegment ONE = Arena.global().allocate(ValueLayout.JAVA_LONG);

    static {
        ONE.set(ValueLayout.JAVA_LONG, 0, 1L);
    }

    private final int readFd;
    private final int writeFd;
    /** Drain buffer; used only by the selecting thread, freed at close. */
    private final Arena arena = Arena.ofShared();
    private final MemorySegment drainBuf = arena.allocate(64);

    FdWaker() throws IOException {
        if (EventFd.isAvailable()) {
            readFd = EventFd.eventfd(0, EventFd.EFD_NONBLOCK | EventFd.EFD_CLOEXEC);
            writeFd = readFd;
        } else {
            MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, 2);
            try {
                Unistd.pipe2(fds, Unistd.O_NONBLOCK | Unistd.O_CLOEXEC);
            } catch (IOException e) {
                arena.close();
                throw e;
            }
            readFd = fds.getAtIndex(ValueLayout.JAVA_INT, 0);
            writeFd = fds.getAtIndex(ValueLayout.JAVA_INT, 1);
        }
    }

    /** @return the fd the selector watches for reading */
    @Override
    int fd() {
        return readFd;
    }

    @Override
    void post() throws IOException {
        // eventfd takes 8 bytes; a pipe takes 1 of them. A full pipe already wakes the reader.
        Unistd.write(writeFd, readFd == writeFd ? ONE : ONE.asSlice(0, 1));
    }

    @Override
    void consume() throws IOException {
        while (Unistd.read(readFd, drainBuf) > 0 && readFd != writeFd) {
            // keep draining the pipe
        }
    }

    @Override
    void release() throws IOException {
        try {
            Unistd.close(readFd);
            if (writeFd != readFd) {
                Unistd.close(writeFd);
            }
        } finally {
            arena.close();
        }
    }
}
