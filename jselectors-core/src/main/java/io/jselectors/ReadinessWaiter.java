package io.jselectors;

import io.jselectors.WaitRecord.Op;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The thread behind {@link Readiness}: it owns one {@link Selector} (the platform's best backend) and is
 * the only thread that registers, modifies, unregisters or selects on it. Waiting threads hand it
 * operations through a lock-free queue and {@link Selector#wakeup()}.
 *
 * <p>Each fd is registered for the union of the events its current waiters want, and only while someone
 * waits: when an event ends a wait, the fd is modified to what the remaining waiters want or unregistered
 * (a one-shot registration, built on modify/unregister), so a ready fd nobody waits on never spins the
 * loop. The registrations are changed after each select, never inside it.
 */
final class ReadinessWaiter implements Runnable, ReadyHandler {
    private final Selector selector;
    private final Thread thread;
    private final AtomicReference<Op> pending = new AtomicReference<>();
    private volatile boolean dead;

    // Owned by the waiter thread, indexed by fd.
    private WaitRecord[] waiting = new WaitRecord[64];
    private int[] registered = new int[64];
    private boolean[] dirtyFlag = new boolean[64];
    private int[] dirty = new int[64];
    private int dirtyCount;

    private ReadinessWaiter(Selector selector) {
        this.selector = selector;
        this.thread = new Thread(this, "jselectors-readiness-waiter (" + selector.backend() + ")");
        thread.setDaemon(true);
    }

    static ReadinessWaiter start() throws IOException {
        ReadinessWaiter w = new ReadinessWaiter(Selector.open());
        w.thread.start();
        return w;
    }

    boolean isDead() {
        return dead;
    }

    /** Any thread: queues an operation and wakes the waiter. */
    void submit(Op op) {
        Op head;
        do {
            head = pending.get();
            op.next = head;
        } while (!pending.compareAndSet(head, op));
        selector.wakeup();
        if (dead) {
            failPending(new IOException("the readiness waiter thread has stopped"));
        }
    }

    @Override
    public void run() {
        try {
            while (true) {
                applyPending();
                syncRegistrations();
                selector.select(null, this);
                // Disarm what fired before taking new ops: a woken thread may already have closed its fd
                // and opened another with the same number, whose wait must find it unregistered.
                syncRegistrations();
            }
        } catch (IOException | RuntimeException | Error e) {
            IOException cause = e instanceof IOException io ? io : new IOException("readiness waiter failed", e);
            dead = true;
            for (int fd = 0; fd < waiting.length; fd++) {
                failAll(fd, cause);
            }
            failPending(cause);
            try {
                selector.close();
            } catch (IOException ignored) {
                // the waiters have their failure already
            }
            if (e instanceof Error err) {
                throw err;
            }
        }
    }

    // ---- operations from waiting threads -------------------------------------------------------

    private void applyPending() {
        Op op = reverse(pending.getAndSet(null));
        while (op != null) {
            Op next = op.next; // read first: once applied, the owner may submit the same op again
            op.next = null;
            apply(op);
            op = next;
        }
    }

    private static Op reverse(Op op) {
        Op prev = null;
        while (op != null) {
            Op next = op.next;
            op.next = prev;
            prev = op;
            op = next;
        }
        return prev;
    }

    private void apply(Op op) {
        switch (op.kind) {
            case Op.ADD -> add(op.record);
            case Op.CANCEL -> {
                WaitRecord r = op.record;
                unlink(r);
                r.setState(WaitRecord.IDLE); // the waiter holds it no longer: the owner may reuse it
            }
            case Op.CLOSE -> closed(op.file, op.fd);
            default -> throw new AssertionError(op.kind);
        }
    }

    private void add(WaitRecord r) {
        if (r.state() != WaitRecord.WAITING) {
            return; // cancelled before we saw it; its cancel op follows
        }
        if (r.file != null && r.file.fileno() != r.fd) {
            end(r, WaitRecord.CLOSED); // closed between the caller reading fileno() and now
            return;
        }
        int fd = r.fd;
        grow(fd);
        r.nextOnFd = waiting[fd];
        waiting[fd] = r;
        r.linked = true;
        markDirty(fd);
    }

    /** One of our Selectables is closing: its waiters end with AsynchronousCloseException. */
    private void closed(Selectable file, int fd) {
        if (fd >= waiting.length) {
            return;
        }
        for (WaitRecord r = waiting[fd]; r != null; ) {
            WaitRecord next = r.nextOnFd;
            if (r.file == file) {
                unlink(r);
                end(r, WaitRecord.CLOSED);
            }
            r = next;
        }
        // The fd closes right after this op was queued: drop its registration now, so that a wait on a new
        // file that gets the same number registers afresh (a modify would find the kernel's entry gone).
        if (registered[fd] != 0) {
            try {
                selector.unregister(fd);
            } catch (IOException | RuntimeException ignored) {
                // unregister works on closed fds; nothing else can be done about a failure here
            }
            registered[fd] = 0;
            if (waiting[fd] != null) {
                markDirty(fd); // waits by number on the same fd: registered again, until the close
            }
        }
    }

    // ---- readiness ----------------------------------------------------------------------------

    @Override
    public void ready(SelectorKey key, int events) {
        int fd = key.fd();
        for (WaitRecord r = waiting[fd]; r != null; ) {
            WaitRecord next = r.nextOnFd;
            int mine = r.events & events;
            if (mine != 0) {
                unlink(r);
                r.result = mine;
                end(r, WaitRecord.READY);
            }
            r = next;
        }
    }

    /** Ends a wait unless its owner gave up on it already. */
    private static void end(WaitRecord r, int state) {
        Thread owner = r.thread; // read before the transition: afterwards the owner may reuse the record
        if (r.transition(WaitRecord.WAITING, state)) {
            LockSupport.unpark(owner);
        }
    }

    private void unlink(WaitRecord r) {
        if (!r.linked) {
            return;
        }
        int fd = r.fd;
        WaitRecord prev = null;
        for (WaitRecord x = waiting[fd]; x != null; prev = x, x = x.nextOnFd) {
            if (x == r) {
                if (prev == null) {
                    waiting[fd] = r.nextOnFd;
                } else {
                    prev.nextOnFd = r.nextOnFd;
                }
                break;
            }
        }
        r.nextOnFd = null;
        r.linked = false;
        markDirty(fd);
    }

    // ---- registrations ------------------------------------------------------------------------

    /** Brings each changed fd's registration to the union of what its waiters want now. */
    private void syncRegistrations() {
        for (int i = 0; i < dirtyCount; i++) {
            int fd = dirty[i];
            dirtyFlag[fd] = false;
            int want = 0;
            for (WaitRecord r = waiting[fd]; r != null; r = r.nextOnFd) {
                want |= r.events;
            }
            int have = registered[fd];
            if (want == have) {
                continue;
            }
            try {
                if (have == 0) {
                    selector.register(fd, want);
                } else if (want == 0) {
                    selector.unregister(fd);
                } else {
                    selector.modify(fd, want, null);
                }
                registered[fd] = want;
            } catch (IOException | RuntimeException e) {
                // EBADF for a closed fd, EPERM for a file epoll cannot watch, ...: its waiters get the error.
                registered[fd] = registeredEvents(fd);
                failAll(fd, e instanceof IOException io ? io : new IOException(e.getMessage(), e));
                if (registered[fd] != 0) {
                    try {
                        selector.unregister(fd);
                    } catch (IOException | RuntimeException ignored) {
                        // nothing waits on it any more; a stale registration only costs a skipped event
                    }
                    registered[fd] = 0;
                }
            }
        }
        dirtyCount = 0;
    }

    private int registeredEvents(int fd) {
        SelectorKey key = selector.getMap().get(fd);
        return key == null ? 0 : key.events();
    }

    private void failAll(int fd, IOException cause) {
        for (WaitRecord r = waiting[fd]; r != null; ) {
            WaitRecord next = r.nextOnFd;
            unlink(r);
            if (r.file != null && r.file.fileno() != r.fd) {
                // Its Selectable was closed after we took the wait (EBADF at registration): that is a close.
                end(r, WaitRecord.CLOSED);
            } else {
                r.failure = cause;
                end(r, WaitRecord.FAILED);
            }
            r = next;
        }
    }

    /** After the waiter died: ends every queued wait with the cause. */
    private void failPending(IOException cause) {
        Op op = pending.getAndSet(null);
        while (op != null) {
            Op next = op.next;
            op.next = null;
            WaitRecord r = op.record;
            if (r != null) {
                if (op.kind == Op.CANCEL) {
                    r.setState(WaitRecord.IDLE);
                } else {
                    r.failure = cause;
                    end(r, WaitRecord.FAILED);
                }
            }
            op = next;
        }
    }

    private void markDirty(int fd) {
        if (dirtyFlag[fd]) {
            return;
        }
        dirtyFlag[fd] = true;
        if (dirtyCount == dirty.length) {
            dirty = Arrays.copyOf(dirty, dirty.length * 2);
        }
        dirty[dirtyCount++] = fd;
    }

    private void grow(int fd) {
        if (fd < waiting.length) {
            return;
        }
        int n = Math.max(fd + 1, waiting.length * 2);
        waiting = Arrays.copyOf(waiting, n);
        registered = Arrays.copyOf(registered, n);
        dirtyFlag = Arrays.copyOf(dirtyFlag, n);
    }
}
