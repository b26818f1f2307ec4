package io.jselectors.fd;

import io.jselectors.ErrnoException;
import io.jselectors.Selectable;
import io.jselectors.internal.os.Errno;
import io.jselectors.internal.os.Platform;
import io.jselectors.internal.os.Unistd;
import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.ClosedChannelException;

/** What every descriptor of this package shares: owning the fd, closing it once, reading a 64-bit count. */
abstract sealed class FdResource implements Selectable, Closeable permits EventFd, TimerFd, Inotify, SignalFd, PidFd {
    private static final VarHandle FD;

    static {
        try {
            FD = MethodHandles.lookup().findVarHandle(FdResource.class, "fd", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String kind;
    private volatile int fd;
    /** 8 bytes for the counts eventfd and timerfd read and write; lives as long as this object. */
    private final MemorySegment count = Arena.ofAuto().allocate(ValueLayout.JAVA_LONG);

    FdResource(String kind, int fd) {
        this.kind = kind;
        this.fd = fd;
    }

    /**
     * Returns the descriptor, to register with a {@link io.jselectors.Selector}.
     *
     * @return the descriptor, or -1 once closed
     */
    @Override
    public final int fileno() {
        return fd;
    }

    /**
     * Whether {@link #close()} has not been called yet.
     *
     * @return true while open
     */
    public final boolean isOpen() {
        return fd >= 0;
    }

    /**
     * Closes the descriptor. Later calls do nothing. Unregister it from selectors first.
     *
     * @throws ErrnoException if the system reports an error at close (the descriptor is closed anyway)
     */
    @Override
    public void close() throws IOException {
        int old = (int) FD.getAndSet(this, -1);
        if (old >= 0) {
            Unistd.close(old);
        }
    }

    /** The open descriptor, or a ClosedChannelException that names the operation and what is closed. */
    final int liveFd(String operation) throws ClosedChannelException {
        int f = fd;
        if (f < 0) {
            throw new FdClosedException(operation + ": the " + kind + " is closed");
        }
        return f;
    }

    /** Reads one native-endian 64-bit count; 0 when the non-blocking read would block. */
    final long readCount(String operation) throws IOException {
        long n = Unistd.read(liveFd(operation), count);
        return n == Unistd.WOULD_BLOCK ? 0 : count.get(ValueLayout.JAVA_LONG, 0);
    }

    /** Writes one native-endian 64-bit count; false when the non-blocking write would block. */
    final boolean writeCount(String operation, long value) throws IOException {
        count.set(ValueLayout.JAVA_LONG, 0, value);
        return Unistd.write(liveFd(operation), count) != Unistd.WOULD_BLOCK;
    }

    /** The error for a facility this platform lacks, naming what to use instead. */
    static UnsupportedOperationException unavailable(String facility, String kqueueEquivalent) {
        return new UnsupportedOperationException(facility + " is Linux-only and not available on " + Platform.describe()
                + ": check isAvailable() first; on macOS and the BSDs the kqueue filter " + kqueueEquivalent
                + " does this job");
    }

    /** Adds the usual advice for running out of descriptors. */
    static ErrnoException withFdHint(ErrnoException e) {
        if (e.errno() == Errno.EMFILE) {
            return e.withHint("this process has too many open files: close some, or raise RLIMIT_NOFILE (ulimit -n)");
        }
        if (e.errno() == Errno.ENFILE) {
            return e.withHint("the system has too many open files: close some");
        }
        return e;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[fd=" + fd + "]";
    }

    /** A {@link ClosedChannelException} with a message. */
    private static final class FdClosedException extends ClosedChannelException {
        private static final long serialVersionUID = 1L;
        private final String message;

        FdClosedException(String message) {
            this.message = message;
        }

        @Override
        public String getMessage() {
            return message;
        }
    }
}
