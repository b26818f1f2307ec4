package io.jselectors;

import io.jselectors.internal.os.Errno;
import io.jselectors.internal.os.Fcntl;
import io.jselectors.internal.os.Select;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The POSIX select backend: only fds below {@value Select#FD_SETSIZE} (others are refused at
 * register), O(highest fd) per wait, microsecond timeouts. Read and write readiness of one fd come
 * back merged in one event. A registered fd closed without being unregistered is reported ready for
 * every event it registered, as poll reports POLLNVAL.
 */
public final class SelectSelector extends BaseSelector {
    private static final int WORDS = Select.FD_SETSIZE / 64;

    /** The interest sets, kept in Java and copied into the native sets before each wait. */
    private final long[] readInterest = new long[WORDS];
    private final long[] writeInterest = new long[WORDS];
    private final Arena arena = Arena.ofShared();
    private final MemorySegment readSet = arena.allocate(Select.FD_SET);
    private final MemorySegment writeSet = arena.allocate(Select.FD_SET);
    private final MemorySegment timeval = arena.allocate(Select.TIMEVAL);
    private int maxFd = -1;
    private final int[] readyFds = new int[Select.FD_SETSIZE];
    private final int[] readyMasks = new int[Select.FD_SETSIZE];

    private SelectSelector() throws IOException {
        super();
        if (wakeupFd() >= Select.FD_SETSIZE) {
            close();
            throw new IOException("select cannot watch its wakeup fd " + wakeupFd()
                    + ": fds >= " + Select.FD_SETSIZE + " are out of its reach; use Selector.open() instead");
        }
        osRegister(wakeupFd(), EVENT_READ);
    }

    /**
     * Opens a select selector.
     *
     * @return a new selector
     * @throws IOException if the wakeup descriptor cannot be created
     */
    public static SelectSelector open() throws IOException {
        return new SelectSelector();
    }

    /** @return true: every POSIX system has select */
    public static boolean isAvailable() {
        return true;
    }

    @Override
    public String backend() {
        return "select";
    }

    @Override
    void beforeRegister(int fd) {
        if (fd >= Select.FD_SETSIZE) {
            throw new IllegalArgumentException("fd " + fd + " is too large for select (FD_SETSIZE is "
                    + Select.FD_SETSIZE + "); use EpollSelector, PollSelector or Selector.open() instead");
        }
    }

    @Override
    void osRegister(int fd, int events) {
        setInterest(fd, events);
        maxFd = Math.max(maxFd, fd);
    }

    @Override
    void osModify(int fd, int oldEvents, int newEvents) {
        setInterest(fd, newEvents);
    }

    @Override
    void osUnregister(int fd, int events) {
        setInterest(fd, 0);
        while (maxFd >= 0 && !interested(maxFd)) {
            maxFd--;
        }
    }

    @Override
    int osWait(long timeoutNanos) throws IOException {
        MemorySegment tv = MemorySegment.NULL;
        if (timeoutNanos >= 0) {
            setTimeval(timeoutNanos);
            tv = timeval;
        }
        copyInterest();
        int n;
        try {
            n = Select.select(maxFd + 1, readSet, writeSet, tv);
        } catch (ErrnoException e) {
            if (e.errno() != Errno.EBADF) {
                throw e;
            }
            return withClosedFds();
        }
        return n <= 0 ? n : collect(0);
    }

    @Override
    int readyFd(int i) {
        return readyFds[i];
    }

    @Override
    int readyEvents(int i) {
        return readyMasks[i];
    }

    @Override
    void osClose() {
        arena.close();
    }

    /**
     * select(2) fails as a whole (EBADF) when one watched fd was closed without being unregistered.
     * Like poll's POLLNVAL, each closed fd is then reported ready for every event it registered, so
     * its owner sees the error on the next read or write and unregisters it; the other fds are polled
     * without waiting, so that this wait still returns every ready file.
     */
    private int withClosedFds() throws IOException {
        for (int attempt = 1; ; attempt++) {
            copyInterest();
            int found = 0;
            for (int fd = 0; fd <= maxFd; fd++) {
                if (interested(fd) && !Fcntl.isOpen(fd)) {
                    readyFds[found] = fd;
                    readyMasks[found] = EVENT_READ | EVENT_WRITE;
                    found++;
                    Select.clear(readSet, fd);
                    Select.clear(writeSet, fd);
                }
            }
            setTimeval(0);
            int n;
            try {
                n = Select.select(maxFd + 1, readSet, writeSet, timeval);
            } catch (ErrnoException e) {
                if (e.errno() != Errno.EBADF || attempt == 3) {
                    throw e; // not a closed fd, or one that fcntl cannot see: say so rather than spin
                }
                continue; // another fd was closed meanwhile (by another thread): look again
            }
            return n < 0 ? found : collect(found); // EINTR: the closed fds are news enough
        }
    }

    /** Appends the fds set in readSet/writeSet to the ready entries after the first {@code found}. */
    private int collect(int found) {
        int words = (maxFd >>> 6) + 1;
        for (int w = 0; w < words; w++) {
            long r = readSet.getAtIndex(ValueLayout.JAVA_LONG, w);
            long wr = writeSet.getAtIndex(ValueLayout.JAVA_LONG, w);
            long any = r | wr;
            while (any != 0) {
                int bit = Long.numberOfTrailingZeros(any);
                long mask = 1L << bit;
                any &= ~mask;
                readyFds[found] = (w << 6) + bit;
                readyMasks[found] = ((r & mask) != 0 ? EVENT_READ : 0) | ((wr & mask) != 0 ? EVENT_WRITE : 0);
                found++;
            }
        }
        return found;
    }

    private void copyInterest() {
        MemorySegment.copy(readInterest, 0, readSet, ValueLayout.JAVA_LONG, 0, WORDS);
        MemorySegment.copy(writeInterest, 0, writeSet, ValueLayout.JAVA_LONG, 0, WORDS);
    }

    /** Rounds up to whole microseconds, so that the wait never ends early. */
    private void setTimeval(long timeoutNanos) {
        long micros = timeoutNanos / 1000 + (timeoutNanos % 1000 != 0 ? 1 : 0);
        Select.setTimeval(timeval, micros);
    }

    private void setInterest(int fd, int events) {
        int w = fd >>> 6;
        long bit = 1L << (fd & 63);
        readInterest[w] = (events & EVENT_READ) != 0 ? readInterest[w] | bit : readInterest[w] & ~bit;
        writeInterest[w] = (events & EVENT_WRITE) != 0 ? writeInterest[w] | bit : writeInterest[w] & ~bit;
    }

    private boolean interested(int fd) {
        long bit = 1L << (fd & 63);
        return ((readInterest[fd >>> 6] | writeInterest[fd >>> 6]) & bit) != 0;
    }
}
