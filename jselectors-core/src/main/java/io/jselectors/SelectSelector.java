package io.jselectors;

import io.jselectors.internal.os.Select;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The POSIX select backend: only fds below {@value Select#FD_SETSIZE} (others are refused at
 * register), O(highest fd) per wait, microsecond timeouts. Read and write readiness of one fd come
 * back merged in one event.
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
        int words = (maxFd >>> 6) + 1;
        MemorySegment.copy(readInterest, 0, readSet, ValueLayout.JAVA_LONG, 0, WORDS);
        MemorySegment.copy(writeInterest, 0, writeSet, ValueLayout.JAVA_LONG, 0, WORDS);
        MemorySegment tv = MemorySegment.NULL;
        if (timeoutNanos >= 0) {
            long micros = timeoutNanos / 1000 + (timeoutNanos % 1000 != 0 ? 1 : 0);
            timeval.set(ValueLayout.JAVA_LONG, 0, micros / 1_000_000);
            timeval.set(ValueLayout.JAVA_LONG, 8, micros % 1_000_000);
            tv = timeval;
        }
        int n = Select.select(maxFd + 1, readSet, writeSet, tv);
        if (n <= 0) {
            return n;
        }
        int found = 0;
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
