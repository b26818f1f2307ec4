package io.jselectors;

import io.jselectors.internal.os.Poll;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The POSIX poll backend: works everywhere, any number of fds, O(registered) per wait, millisecond
 * timeouts. A closed fd is refused at register (EBADF); a registered fd closed since is reported ready
 * (POLLNVAL) for the events it registered.
 */
public final class PollSelector extends BaseSelector {
    /** The pollfd array handed to poll(); entry 0 is the wakeup fd. Replaced with its arena on growth. */
    private Arena arena;
    private MemorySegment pollfds;
    private int capacity;
    private int size;
    /** fd -> index + 1 in pollfds; 0 when absent. */
    private int[] indexOf = new int[64];
    /** The ready entries of the last wait, compacted. */
    private int[] readyFds = new int[16];
    private int[] readyMasks = new int[16];

    private PollSelector() throws IOException {
        super();
        grow(16);
        add(wakeupFd(), Poll.POLLIN);
    }

    /**
     * Opens a poll selector.
     *
     * @return a new selector
     * @throws IOException if the wakeup descriptor cannot be created
     */
    public static PollSelector open() throws IOException {
        return new PollSelector();
    }

    /**
     * Returns true: every POSIX system has poll.
     *
     * @return true: every POSIX system has poll
     */
    public static boolean isAvailable() {
        return true;
    }

    @Override
    public String backend() {
        return "poll";
    }

    @Override
    void osRegister(int fd, int events) throws IOException {
        // Python accepts a closed fd and reports it ready (POLLNVAL); we refuse it, as epoll does, so
        // the answer never depends on the table's size, and a bogus number like 2^30 grows nothing.
        requireOpen(fd);
        add(fd, toPoll(events));
    }

    @Override
    void osModify(int fd, int oldEvents, int newEvents) {
        Poll.set(pollfds, indexOf[fd] - 1, fd, toPoll(newEvents));
    }

    @Override
    void osUnregister(int fd, int events) {
        int i = indexOf[fd] - 1;
        int last = size - 1;
        if (i != last) {
            int movedFd = Poll.fd(pollfds, last);
            MemorySegment.copy(pollfds, last * Poll.POLLFD_SIZE, pollfds, i * Poll.POLLFD_SIZE, Poll.POLLFD_SIZE);
            indexOf[movedFd] = i + 1;
        }
        indexOf[fd] = 0;
        size--;
    }

    @Override
    int osWait(long timeoutNanos) throws IOException {
        int n = Poll.poll(pollfds, size, toMillis(timeoutNanos));
        if (n <= 0) {
            return n;
        }
        int found = 0;
        for (int i = 0; i < size && found < n; i++) {
            int revents = Poll.revents(pollfds, i);
            if (revents != 0) {
                readyFds[found] = Poll.fd(pollfds, i);
                readyMasks[found] = toEvents(revents);
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

    private void add(int fd, int pollEvents) {
        if (size == capacity) {
            grow(capacity * 2);
        }
        if (fd >= indexOf.length) {
            indexOf = Arrays.copyOf(indexOf, Math.max(fd + 1, indexOf.length * 2));
        }
        Poll.set(pollfds, size, fd, pollEvents);
        indexOf[fd] = ++size;
    }

    private void grow(int newCapacity) {
        Arena next = Arena.ofShared();
        MemorySegment bigger = next.allocate(Poll.POLLFD, newCapacity);
        if (arena != null) {
            MemorySegment.copy(pollfds, 0, bigger, 0, size * Poll.POLLFD_SIZE);
            arena.close();
        }
        arena = next;
        pollfds = bigger;
        capacity = newCapacity;
        readyFds = Arrays.copyOf(readyFds, newCapacity);
        readyMasks = Arrays.copyOf(readyMasks, newCapacity);
    }

    private static int toPoll(int events) {
        return ((events & EVENT_READ) != 0 ? Poll.POLLIN : 0) | ((events & EVENT_WRITE) != 0 ? Poll.POLLOUT : 0);
    }

    private static int toEvents(int revents) {
        int ready = 0;
        if ((revents & ~Poll.POLLOUT) != 0) {
            ready |= EVENT_READ; // readable, or POLLERR/POLLHUP/POLLNVAL
        }
        if ((revents & ~Poll.POLLIN) != 0) {
            ready |= EVENT_WRITE;
        }
        return ready;
    }
}
