package io.jselectors;

import io.jselectors.internal.os.Errno;
import io.jselectors.internal.os.Fcntl;
import java.io.IOException;
import java.nio.channels.ClosedSelectorException;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * The key bookkeeping and the select loop shared by every backend. A backend only translates to and
 * from its OS call: {@link #osRegister}, {@link #osModify}, {@link #osUnregister}, {@link #osWait},
 * {@link #readyFd}, {@link #readyEvents}, {@link #osClose}.
 *
 * <p>Keys live in an array indexed by fd, so the hot path looks them up without boxing or hashing.
 *
 * <p>Threads: one thread at a time uses a selector; {@link #wakeup()} and {@link #close()} may come
 * from any thread. A select records its thread in {@link #selecting}, which refuses a select from
 * inside its own handler, and register/modify/unregister from other threads, while it runs. close()
 * during a select marks the selector closed and wakes the select; the native memory is freed by
 * whichever of the two comes last ({@link #freeOnce()}), and close() returns once it is freed.
 */
abstract sealed class BaseSelector implements Selector permits EpollSelector, PollSelector, SelectSelector, KqueueSelector {
    /** Passed to {@link #osWait} to block without a timeout. */
    static final long BLOCK = -1;

    private static final SelectorKey[] NO_KEYS = new SelectorKey[0];

    /** CAS of {@link #selecting}; an updater rather than a VarHandle, whose first use costs ~100 ms of linking. */
    private static final AtomicReferenceFieldUpdater<BaseSelector, Thread> SELECTING =
            AtomicReferenceFieldUpdater.newUpdater(BaseSelector.class, Thread.class, "selecting");

    private SelectorKey[] keys = new SelectorKey[64];
    private int count;
    private volatile boolean closed;
    /** The thread inside select(), or null. Written by the selecting thread only (a CAS on entry). */
    private volatile Thread selecting;
    private final Waker waker;
    private final InterruptWaker interrupts;
    private final Map<Integer, SelectorKey> mapView = new MapView();
    /** Guards {@link #freeing} and {@link #freed}; close() waits on it for a select to free. */
    private final Object freeLock = new Object();
    private boolean freeing;
    private boolean freed;

    /** With a waker the backend watches as a descriptor, {@link #wakeupFd()}. */
    BaseSelector() throws IOException {
        this(new FdWaker());
    }

    /** With a waker of the backend's own (kqueue's EVFILT_USER); the selector closes it. */
    BaseSelector(Waker waker) {
        this.waker = waker;
        this.interrupts = new InterruptWaker(waker);
    }

    // ---- what a backend provides -------------------------------------------------------------

    /** Starts watching fd for events (EVENT_ bits); on failure nothing may be left registered. */
    abstract void osRegister(int fd, int events) throws IOException;

    /** Changes the watched events of a registered fd. */
    abstract void osModify(int fd, int oldEvents, int newEvents) throws IOException;

    /** Stops watching fd. Must succeed quietly when the fd was closed, even if its number was reused. */
    abstract void osUnregister(int fd, int events) throws IOException;

    /**
     * Waits once.
     *
     * @param timeoutNanos {@link #BLOCK}, 0 for no wait, or a positive wait to round up to the OS granularity
     * @return how many ready entries {@link #readyFd}/{@link #readyEvents} now describe; -1 on EINTR
     */
    abstract int osWait(long timeoutNanos) throws IOException;

    /** @return the fd of ready entry i of the last wait, or -1 for an entry to skip (a stale registration) */
    abstract int readyFd(int i);

    /** @return the ready events of entry i as EVENT_ bits, errors and hang-ups as both */
    abstract int readyEvents(int i);

    /** Frees the backend's descriptors and native memory. */
    abstract void osClose() throws IOException;

    /** @return the wakeup descriptor, which the backend watches for reading from the start */
    final int wakeupFd() {
        return waker.fd();
    }

    /** @return whether fd is one of the backend's own descriptors (epoll's or kqueue's), beside the waker's */
    boolean ownsFd(int fd) {
        return false;
    }

    /** @return whether a key is registered for fd; for backends that must tell live events from stale ones */
    final boolean isRegistered(int fd) {
        return keyAt(fd) != null;
    }

    /**
     * For backends whose OS call takes any number (poll, select): refuses an fd that is not open with
     * EBADF, as epoll and kqueue do, so that a closed fd gets one answer whatever was registered before.
     */
    static void requireOpen(int fd) throws IOException {
        if (!Fcntl.isOpen(fd)) {
            throw Errno.exception("fcntl(fd=" + fd + ", cmd=" + Fcntl.F_GETFD + ")", Errno.EBADF);
        }
    }

    // ---- registration ------------------------------------------------------------------------

    @Override
    public final SelectorKey register(int fd, int events) throws IOException {
        return register(fd, events, null);
    }

    @Override
    public final SelectorKey register(int fd, int events, Object data) throws IOException {
        ensureOpen();
        checkThread();
        checkFd(fd);
        return doRegister(fd, fd, events, data);
    }

    @Override
    public final SelectorKey register(Selectable file, int events) throws IOException {
        return register(file, events, null);
    }

    @Override
    public final SelectorKey register(Selectable file, int events, Object data) throws IOException {
        ensureOpen();
        checkThread();
        checkEvents(events); // before the file, as Python: bad events are the first thing said
        int fd = file.fileno();
        if (fd < 0) {
            if (findByIdentity(file) != null) {
                throw new IllegalArgumentException(file + " is already registered (and now closed)");
            }
            throw new IllegalArgumentException("cannot register " + file + ": it is closed (fileno() = " + fd + ")");
        }
        return doRegister(file, fd, events, data);
    }

    private SelectorKey doRegister(Object fileobj, int fd, int events, Object data) throws IOException {
        checkEvents(events);
        SelectorKey old = keyAt(fd);
        if (old != null) {
            throw new IllegalArgumentException(
                    describe(fileobj, fd) + " is already registered (as " + old.fileobj() + "); use modify() to change it");
        }
        if (waker.owns(fd) || ownsFd(fd)) {
            throw new IllegalArgumentException(describe(fileobj, fd)
                    + " is one of this " + backend() + " selector's own descriptors; it cannot be registered"
                    + " (was it closed and its number reused by the selector?)");
        }
        beforeRegister(fd);
        osRegister(fd, events);
        SelectorKey key = new SelectorKey(fileobj, fd, events, data);
        store(fd, key);
        return key;
    }

    /** Hook for backends with limits on fd values (select): throws before anything is registered. */
    void beforeRegister(int fd) {}

    @Override
    public final SelectorKey unregister(int fd) throws IOException {
        ensureOpen();
        checkThread();
        checkFd(fd);
        return doUnregister(requireKey(fd));
    }

    @Override
    public final SelectorKey unregister(Selectable file) throws IOException {
        ensureOpen();
        checkThread();
        return doUnregister(lookup(file));
    }

    private SelectorKey doUnregister(SelectorKey key) throws IOException {
        keys[key.fd()] = null;
        count--;
        osUnregister(key.fd(), key.events());
        return key;
    }

    private void doUnregisterQuietly(SelectorKey key, Exception cause) {
        try {
            doUnregister(key);
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    @Override
    public final SelectorKey modify(int fd, int events, Object data) throws IOException {
        ensureOpen();
        checkThread();
        checkFd(fd);
        checkEvents(events);
        return doModify(requireKey(fd), events, data);
    }

    @Override
    public final SelectorKey modify(Selectable file, int events, Object data) throws IOException {
        ensureOpen();
        checkThread();
        checkEvents(events);
        return doModify(lookup(file), events, data);
    }

    private SelectorKey doModify(SelectorKey old, int events, Object data) throws IOException {
        if (events != old.events()) {
            try {
                osModify(old.fd(), old.events(), events);
            } catch (IOException | RuntimeException e) {
                // As Python's selectors (bpo-30014): a key the OS refused to change is dropped, so the
                // table never claims a registration the OS may no longer have (epoll: EBADF, ENOENT).
                doUnregisterQuietly(old, e);
                throw e;
            }
        } else if (data == old.data()) {
            return old;
        }
        SelectorKey key = new SelectorKey(old.fileobj(), old.fd(), events, data);
        keys[old.fd()] = key;
        return key;
    }

    @Override
    public final SelectorKey getKey(int fd) {
        ensureOpen();
        checkFd(fd);
        return requireKey(fd);
    }

    @Override
    public final SelectorKey getKey(Selectable file) {
        return lookup(file);
    }

    @Override
    public final Map<Integer, SelectorKey> getMap() {
        ensureOpen();
        return mapView;
    }

    // ---- selecting ---------------------------------------------------------------------------

    @Override
    public final List<ReadyEvent> select() throws IOException {
        return select(null);
    }

    @Override
    public final List<ReadyEvent> select(Duration timeout) throws IOException {
        List<ReadyEvent> ready = new ArrayList<>();
        select(timeout, (key, events) -> ready.add(new ReadyEvent(key, events)));
        return ready;
    }

    @Override
    public final int select(Duration timeout, ReadyHandler handler) throws IOException {
        return guardedSelect(timeoutNanos(timeout), handler);
    }

    @Override
    public final int selectNanos(long timeoutNanos, ReadyHandler handler) throws IOException {
        return guardedSelect(timeoutNanos == Long.MAX_VALUE ? BLOCK : Math.max(0, timeoutNanos), handler);
    }

    /** One thread at a time, interruptible, and the freeing a close() during it left: around the one loop. */
    private int guardedSelect(long timeoutNanos, ReadyHandler handler) throws IOException {
        ensureOpen();
        enterSelect();
        try {
            if (closed) {
                throw new ClosedSelectorException(); // closed by another thread just now
            }
            interrupts.enter();
            try {
                return selectLoop(timeoutNanos, handler);
            } finally {
                interrupts.leave();
            }
        } finally {
            selecting = null;
            if (closed) {
                freeOnce(); // close() came during this select and left the freeing to it
            }
        }
    }

    private void enterSelect() {
        Thread me = Thread.currentThread();
        if (!SELECTING.compareAndSet(this, null, me)) {
            Thread owner = selecting;
            if (owner == me) {
                throw new IllegalStateException("select() called from inside a ReadyHandler of this selector's own"
                        + " select, which is still handing out ready files; return from the handler and select again");
            }
            throw new IllegalStateException("select() called on " + me + " while " + owner
                    + " is selecting: a selector is used by one thread at a time (any thread may call wakeup() and close())");
        }
    }

    /** Refuses a change of the key table from another thread while a select runs. */
    private void checkThread() {
        Thread owner = selecting;
        if (owner != null && owner != Thread.currentThread()) {
            throw new IllegalStateException("a selector is used by one thread at a time: " + owner
                    + " is selecting now; call wakeup() and make the change on that thread, or after its select returns");
        }
    }

    /** The one select loop; timeoutNanos is {@link #BLOCK}, 0, or a positive wait. */
    private int selectLoop(long timeoutNanos, ReadyHandler handler) throws IOException {
        long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
        long wait = timeoutNanos;
        while (true) {
            int n = osWait(wait);
            if (closed) {
                return 0; // closed by another thread, which woke us
            }
            boolean woken = false;
            int handed = 0;
            for (int i = 0; i < n; i++) {
                int fd = readyFd(i);
                if (fd == waker.fd()) {
                    woken = true;
                    waker.drain();
                    continue;
                }
                SelectorKey key = keyAt(fd);
                if (key == null) {
                    continue; // unregistered since, or a stale event of a closed fd
                }
                int ready = readyEvents(i) & key.events();
                if (ready != 0) {
                    handed++;
                    handler.ready(key, ready);
                    if (closed) {
                        return handed; // the handler closed us: the native ready list is gone
                    }
                }
            }
            if (handed > 0 || woken || timeoutNanos == 0) {
                return handed;
            }
            if (timeoutNanos > 0) {
                // Interrupted, only stale events, or the clock woke us early: wait out the rest.
                wait = deadline - System.nanoTime();
                if (wait <= 0) {
                    return 0;
                }
            }
        }
    }

    /** Rounds a wait up to whole milliseconds, so that it never ends early; BLOCK stays -1. */
    static int toMillis(long timeoutNanos) {
        if (timeoutNanos < 0) {
            return -1;
        }
        long ms = timeoutNanos / 1_000_000 + (timeoutNanos % 1_000_000 != 0 ? 1 : 0);
        return (int) Math.min(ms, Integer.MAX_VALUE);
    }

    private static long timeoutNanos(Duration timeout) {
        if (timeout == null) {
            return BLOCK;
        }
        if (timeout.isNegative() || timeout.isZero()) {
            return 0;
        }
        // Saturates: a timeout of centuries is as good as blocking, but stays a timeout.
        return timeout.getSeconds() >= Long.MAX_VALUE / 1_000_000_000L - 1 ? Long.MAX_VALUE : timeout.toNanos();
    }

    // ---- lifecycle ---------------------------------------------------------------------------

    @Override
    public final void wakeup() {
        waker.wakeup();
    }

    /**
     * {@inheritDoc}
     *
     * <p>From another thread while a select runs (as in JDK NIO): wakes the select, which returns (empty)
     * or throws {@link ClosedSelectorException}, and returns once that select has left and everything is
     * freed. From a {@link ReadyHandler}: the select stops handing out files and frees on its way out.
     */
    @Override
    public final void close() throws IOException {
        synchronized (freeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        keys = NO_KEYS;
        count = 0;
        Thread owner = selecting;
        if (owner == null) {
            freeOnce();
        } else if (owner != Thread.currentThread()) {
            waker.wakeup();
            awaitFreed();
        }
        // else: a handler closed its own selector; the select frees on its way out
    }

    /** Frees the native resources; called by close() and by a select that close() came during, once. */
    private void freeOnce() throws IOException {
        synchronized (freeLock) {
            if (freeing) {
                return;
            }
            freeing = true;
        }
        try {
            waker.close(); // first: no wakeup() may reach the backend's descriptors once they are closed
        } finally {
            try {
                osClose();
            } finally {
                synchronized (freeLock) {
                    freed = true;
                    freeLock.notifyAll();
                }
            }
        }
    }

    /** Waits, without giving up on an interrupt (which it keeps), for a select to free what close() left it. */
    private void awaitFreed() {
        boolean interrupted = false;
        synchronized (freeLock) {
            while (!freed) {
                try {
                    freeLock.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    final void ensureOpen() {
        if (closed) {
            throw new ClosedSelectorException();
        }
    }

    final boolean isClosed() {
        return closed;
    }

    /** @return how many fds are registered (the wakeup fd not counted) */
    final int registeredCount() {
        return count;
    }

    // ---- key table ---------------------------------------------------------------------------

    private SelectorKey keyAt(int fd) {
        SelectorKey[] k = keys;
        return fd >= 0 && fd < k.length ? k[fd] : null;
    }

    private void store(int fd, SelectorKey key) {
        if (fd >= keys.length) {
            keys = Arrays.copyOf(keys, Math.max(fd + 1, keys.length * 2));
        }
        keys[fd] = key;
        count++;
    }

    private SelectorKey requireKey(int fd) {
        ensureOpen();
        SelectorKey key = keyAt(fd);
        if (key == null) {
            throw new NoSuchElementException("fd " + fd + " is not registered");
        }
        return key;
    }

    /** Python's _fileobj_lookup: by fd, or by identity when the file is already closed. */
    private SelectorKey lookup(Selectable file) {
        ensureOpen();
        int fd = file.fileno();
        if (fd >= 0) {
            SelectorKey key = keyAt(fd);
            if (key == null) {
                throw new NoSuchElementException(file + " (fd " + fd + ") is not registered");
            }
            return key;
        }
        SelectorKey key = findByIdentity(file);
        if (key == null) {
            throw new IllegalArgumentException(file + " is closed (fileno() = " + fd + ") and not registered");
        }
        return key;
    }

    private SelectorKey findByIdentity(Object fileobj) {
        for (SelectorKey key : keys) {
            if (key != null && key.fileobj() == fileobj) {
                return key;
            }
        }
        return null;
    }

    /** Also used by {@link Readiness}: one wording for a bad fd. */
    static void checkFd(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("invalid fd " + fd + ": a file descriptor is >= 0");
        }
    }

    /** Also used by {@link Readiness}: one wording for bad events. */
    static void checkEvents(int events) {
        if (events == 0 || (events & ~(EVENT_READ | EVENT_WRITE)) != 0) {
            throw new IllegalArgumentException(
                    "invalid events 0x" + Integer.toHexString(events) + ": use EVENT_READ, EVENT_WRITE or both");
        }
    }

    private static String describe(Object fileobj, int fd) {
        return fileobj instanceof Integer ? "fd " + fd : fileobj + " (fd " + fd + ")";
    }

    /** The live, read-only fd -> key view of {@link #getMap()}. */
    private final class MapView extends AbstractMap<Integer, SelectorKey> {
        @Override
        public SelectorKey get(Object k) {
            return k instanceof Integer fd && fd >= 0 ? keyAt(fd) : null;
        }

        @Override
        public boolean containsKey(Object k) {
            return get(k) != null;
        }

        @Override
        public int size() {
            return count;
        }

        @Override
        public Set<Entry<Integer, SelectorKey>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public int size() {
                    return count;
                }

                @Override
                public Iterator<Entry<Integer, SelectorKey>> iterator() {
                    return new Iterator<>() {
                        private final SelectorKey[] snapshot = keys;
                        private int next;

                        @Override
                        public boolean hasNext() {
                            while (next < snapshot.length && snapshot[next] == null) {
                                next++;
                            }
                            return next < snapshot.length;
                        }

                        @Override
                        public Entry<Integer, SelectorKey> next() {
                            if (!hasNext()) {
                                throw new NoSuchElementException();
                            }
                            SelectorKey k = snapshot[next++];
                            return new SimpleImmutableEntry<>(k.fd(), k);
                        }
                    };
                }
            };
        }
    }
}
