package io.jselectors;

import io.jselectors.internal.os.Errno;
import io.jselectors.internal.os.Poll;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits until one file descriptor is ready, from any thread: a virtual thread parks (its carrier runs
 * other virtual threads meanwhile), a platform thread blocks. With it, plain blocking code reads a tty,
 * a pseudo-terminal, inotify, netlink or a subprocess pipe from 10,000 virtual threads without holding
 * 10,000 OS threads.
 *
 * <pre>{@code
 * NativeStream tty = NativeStream.adopt(fd);
 * while (Readiness.await(tty, Selector.EVENT_READ, null) != 0) {
 *     int n = tty.read(buf);   // data, 0 if another reader took it, or -1 at end
 *     ...
 * }
 * }</pre>
 *
 * <p>How: the call first checks the fd with {@code poll(2)} and a zero timeout, so an fd that is already
 * ready costs one system call and no context switch. Otherwise the thread hands its wait to one library
 * thread, a daemon named {@code jselectors-readiness-waiter}, which owns a {@link Selector#open()
 * Selector} and registers the fd only while someone waits on it; the thread parks until that thread
 * unparks it. A thread keeps one reusable wait record, so a wait allocates nothing on the calling
 * thread; the waiter thread allocates the selector's key for each registration (about 32 bytes).
 *
 * <p>A reader and a writer (and more) may wait on one fd at once; each returns for its own events.
 * Errors and hang-ups are reported as readiness for the events asked for, as {@link Selector} does:
 * the next read or write reports the error.
 *
 * <p>Closing one of this library's {@link Selectable}s (its sockets and pipes) wakes the threads waiting
 * on it with {@link AsynchronousCloseException}; a class of yours does the same by calling
 * {@link #closing(Selectable, int)} before it closes its descriptor. Closing a plain {@code int} fd while
 * another thread waits on it is undefined, as it is for {@code poll(2)}: the wait may never end.
 */
public final class Readiness {
    /** Waits at least this long count as without limit (about 146 years). */
    private static final long FOREVER = Long.MAX_VALUE / 2;

    private static final Object START_LOCK = new Object();
    private static volatile ReadinessWaiter waiter;

    private Readiness() {}

    /**
     * Waits until {@code fd} is ready for at least one of {@code events}, or the timeout elapses.
     *
     * @param fd      an open file descriptor that {@code poll(2)} can watch (a socket, pipe, tty, eventfd,
     *                inotify instance, ...)
     * @param events  {@link Selector#EVENT_READ} and/or {@link Selector#EVENT_WRITE}
     * @param timeout {@code null} waits without limit; zero or negative checks once without waiting
     * @return the ready subset of {@code events} (non-zero), or 0 when the timeout elapsed
     * @throws IllegalArgumentException if {@code events} is 0 or has other bits, or {@code fd < 0}
     * @throws ErrnoException           EBADF (naming the call and the fd) if {@code fd} is not open
     * @throws InterruptedIOException   if the thread is interrupted before or during the wait; its
     *                                  interrupt status stays set
     * @throws IOException              if the waiter thread cannot be started (out of descriptors)
     */
    public static int await(int fd, int events, Duration timeout) throws IOException {
        BaseSelector.checkFd(fd);
        return await(null, fd, events, nanos(timeout));
    }

    /**
     * Waits until {@code file} is ready for at least one of {@code events}, or the timeout elapses; the file
     * is looked up by its {@link Selectable#fileno()}.
     *
     * @param file    the file
     * @param events  {@link Selector#EVENT_READ} and/or {@link Selector#EVENT_WRITE}
     * @param timeout {@code null} waits without limit; zero or negative checks once without waiting
     * @return the ready subset of {@code events} (non-zero), or 0 when the timeout elapsed
     * @throws IllegalArgumentException   if {@code events} is 0 or has other bits
     * @throws ClosedChannelException     if the file is closed ({@code fileno() < 0})
     * @throws AsynchronousCloseException if another thread closes the file (one of this library's, or one
     *                                    whose class calls {@link #closing}) while this thread waits
     * @throws InterruptedIOException     if the thread is interrupted before or during the wait; its
     *                                    interrupt status stays set
     * @throws ErrnoException             EBADF if the descriptor is not open
     * @throws IOException                if the waiter thread cannot be started
     */
    public static int await(Selectable file, int events, Duration timeout) throws IOException {
        return await(file, events, nanos(timeout), TimeUnit.NANOSECONDS);
    }

    /**
     * The same as {@link #await(Selectable, int, Duration)}, with the timeout as a number, so that a loop
     * computing the time left allocates nothing.
     *
     * @param file    the file
     * @param events  {@link Selector#EVENT_READ} and/or {@link Selector#EVENT_WRITE}
     * @param timeout zero or negative checks once without waiting; {@code Long.MAX_VALUE} waits without limit
     * @param unit    the unit of {@code timeout}
     * @return the ready subset of {@code events} (non-zero), or 0 when the timeout elapsed
     * @throws IOException as {@link #await(Selectable, int, Duration)}
     */
    public static int await(Selectable file, int events, long timeout, TimeUnit unit) throws IOException {
        int fd = file.fileno();
        if (fd < 0) {
            BaseSelector.checkEvents(events);
            throw new ClosedChannelException();
        }
        return await(file, fd, events, timeout <= 0 ? 0 : unit.toNanos(timeout));
    }

    /**
     * Tells waiting threads that {@code file} is being closed: each thread waiting on it ends with
     * {@link AsynchronousCloseException}. This library's sockets and pipes call it themselves; a
     * {@link Selectable} class of yours calls it after its {@code fileno()} has started returning -1 and
     * before it closes {@code fd}. Only waits on this very object are ended.
     *
     * @param file the file being closed
     * @param fd   the descriptor it had
     */
    public static void closing(Selectable file, int fd) {
        ReadinessWaiter w = waiter;
        if (w != null && fd >= 0) {
            w.submit(new WaitRecord.Op(WaitRecord.Op.CLOSE, null, file, fd));
        }
    }

    private static int await(Selectable file, int fd, int events, long timeoutNanos) throws IOException {
        BaseSelector.checkEvents(events);
        if (Thread.currentThread().isInterrupted()) {
            throw interrupted();
        }
        WaitRecord r = WaitRecord.forCurrentThread();
        int ready;
        try {
            ready = pollNow(r, fd, events);
        } catch (ErrnoException e) {
            if (file != null && file.fileno() < 0) {
                // Closed by another thread after our fileno() check: what a closed file gets, not EBADF.
                ClosedChannelException closed = new ClosedChannelException();
                closed.initCause(e);
                throw closed;
            }
            throw e;
        }
        if (ready != 0 || timeoutNanos == 0) {
            return ready;
        }
        long deadline = timeoutNanos >= FOREVER ? 0 : System.nanoTime() + timeoutNanos;
        ReadinessWaiter w = waiter();
        r.thread = Thread.currentThread();
        r.fd = fd;
        r.events = events;
        r.file = file;
        r.setState(WaitRecord.WAITING);
        w.submit(r.add);
        while (true) {
            if (r.state() != WaitRecord.WAITING) {
                return finish(r);
            }
            if (Thread.currentThread().isInterrupted()) {
                if (!cancel(w, r)) {
                    clear(r);
                }
                throw interrupted();
            }
            if (deadline == 0) {
                LockSupport.park(Readiness.class);
            } else {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return cancel(w, r) ? 0 : finish(r);
                }
                LockSupport.parkNanos(Readiness.class, left);
            }
        }
    }

    /** Gives up the wait; false when the waiter ended it first (the result stands). */
    private static boolean cancel(ReadinessWaiter w, WaitRecord r) {
        if (r.transition(WaitRecord.WAITING, WaitRecord.CANCELLED)) {
            w.submit(r.cancel);
            return true;
        }
        return false;
    }

    private static int finish(WaitRecord r) throws IOException {
        int state = r.state();
        int result = r.result;
        IOException failure = r.failure;
        clear(r);
        return switch (state) {
            case WaitRecord.READY -> result;
            case WaitRecord.CLOSED -> throw new AsynchronousCloseException();
            case WaitRecord.FAILED -> throw failure;
            default -> throw new AssertionError("wait ended in state " + state);
        };
    }

    private static void clear(WaitRecord r) {
        r.file = null;
        r.failure = null;
        r.thread = null;
        r.setState(WaitRecord.IDLE);
    }

    /** poll(2) with a zero timeout: the ready subset of events; POLLNVAL is EBADF. */
    private static int pollNow(WaitRecord r, int fd, int events) throws ErrnoException {
        short want = (short) (((events & Selector.EVENT_READ) != 0 ? Poll.POLLIN : 0)
                | ((events & Selector.EVENT_WRITE) != 0 ? Poll.POLLOUT : 0));
        Poll.set(r.pollfd, 0, fd, want);
        int n;
        do {
            n = Poll.poll(r.pollfd, 1, 0);
        } while (n < 0); // EINTR
        if (n == 0) {
            return 0;
        }
        int revents = Poll.revents(r.pollfd, 0);
        if ((revents & Poll.POLLNVAL) != 0) {
            throw Errno.exception("poll(fd=" + fd + ")", Errno.EBADF);
        }
        if ((revents & (Poll.POLLERR | Poll.POLLHUP)) != 0) {
            return events; // errors and hang-ups: ready for what was asked, the next call reports them
        }
        return ((revents & Poll.POLLIN) != 0 ? Selector.EVENT_READ : 0)
                | ((revents & Poll.POLLOUT) != 0 ? Selector.EVENT_WRITE : 0);
    }

    private static ReadinessWaiter waiter() throws IOException {
        ReadinessWaiter w = waiter;
        if (w != null && !w.isDead()) {
            return w;
        }
        synchronized (START_LOCK) {
            w = waiter;
            if (w == null || w.isDead()) {
                w = ReadinessWaiter.start();
                waiter = w;
            }
            return w;
        }
    }

    private static InterruptedIOException interrupted() {
        return new InterruptedIOException("interrupted while waiting for readiness (the interrupt status stays set)");
    }

    private static long nanos(Duration timeout) {
        if (timeout == null) {
            return Long.MAX_VALUE;
        }
        if (timeout.isNegative() || timeout.isZero()) {
            return 0;
        }
        return timeout.getSeconds() >= FOREVER / 1_000_000_000L ? Long.MAX_VALUE : timeout.toNanos();
    }
}
