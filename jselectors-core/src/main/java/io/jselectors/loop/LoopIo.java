package io.jselectors.loop;

import io.jselectors.ReadyHandler;
import io.jselectors.Selectable;
import io.jselectors.Selector;
import io.jselectors.SelectorKey;
import java.io.IOException;
import java.util.NoSuchElementException;

/**
 * The I/O half of an {@link EventLoop} (asyncio's {@code selector_events}, Netty's {@code IoHandler}): the
 * one owner of the selector. It keeps fd to callbacks ({@link FdHandlers}), brings the selector in line
 * when they change ({@link #update}), and hands ready files to their callbacks. Transports, servers,
 * connects and the user's readers and writers all go through it. Loop thread only, except
 * {@link #wakeup()}.
 */
final class LoopIo {
    /** The wait that blocks until I/O or a wakeup. */
    static final long BLOCK = Long.MAX_VALUE;

    private final Selector selector;
    private final LoopErrors errors;
    private final ReadyHandler dispatcher = new Dispatcher();

    LoopIo(Selector selector, LoopErrors errors) {
        this.selector = selector;
        this.errors = errors;
    }

    /** Waits at most timeoutNanos ({@link #BLOCK}, 0, or positive) and dispatches what is ready. */
    void poll(long timeoutNanos) throws IOException {
        selector.selectNanos(timeoutNanos, dispatcher);
    }

    void wakeup() {
        selector.wakeup();
    }

    String backend() {
        return selector.backend();
    }

    /**
     * Brings the selector in line with {@code h.events()}: registers, modifies or unregisters. On failure
     * the selector holds no key for the file (its contract), and {@code h.registered} says so.
     *
     * @throws IOException what the selector threw
     */
    void update(FdHandlers h) throws IOException {
        int want = h.events();
        int have = h.registered;
        if (want == have) {
            return;
        }
        h.registered = 0;
        if (h.file instanceof Selectable s) {
            if (have == 0) {
                selector.register(s, want, h);
            } else if (want == 0) {
                selector.unregister(s);
            } else {
                selector.modify(s, want, h);
            }
        } else {
            int fd = (Integer) h.file;
            if (have == 0) {
                selector.register(fd, want, h);
            } else if (want == 0) {
                selector.unregister(fd);
            } else {
                selector.modify(fd, want, h);
            }
        }
        h.registered = want;
    }

    /** Stops watching a file whatever its callbacks, quietly (the file is being closed). */
    void forget(FdHandlers h) {
        h.reader = null;
        h.writer = null;
        try {
            update(h);
        } catch (IOException | RuntimeException e) {
            // the key is gone either way (see update); the descriptor is closed next
        }
    }

    /**
     * The user's addReader/addWriter/removeReader/removeWriter: sets or clears (callback null) the reader or
     * writer of fd, or of file when it is not null.
     *
     * @return for a removal, whether there was one to remove; true for an addition
     * @throws IllegalArgumentException if the file belongs to one of the loop's transports, servers or connects
     */
    boolean setUserHandler(int fd, Selectable file, boolean reader, Runnable callback) throws IOException {
        if (file == null && fd < 0) {
            throw new IllegalArgumentException("invalid fd " + fd + ": a file descriptor is >= 0");
        }
        SelectorKey key = findKey(fd, file);
        FdHandlers h;
        if (key == null) {
            if (callback == null) {
                return false;
            }
            h = new FdHandlers(file != null ? file : Integer.valueOf(fd), false);
        } else {
            h = (FdHandlers) key.data();
            if (h.internal) {
                throw new IllegalArgumentException("fd " + key.fd() + " belongs to a transport, server or connect of"
                        + " this loop; close that instead of watching its descriptor");
            }
        }
        Runnable old = reader ? h.reader : h.writer;
        if (reader) {
            h.reader = callback;
        } else {
            h.writer = callback;
        }
        update(h);
        return callback != null || old != null;
    }

    private SelectorKey findKey(int fd, Selectable file) {
        if (file == null) {
            return selector.getMap().get(fd);
        }
        int n = file.fileno();
        if (n >= 0) {
            return selector.getMap().get(n);
        }
        try {
            return selector.getKey(file); // closed: found by identity
        } catch (NoSuchElementException | IllegalArgumentException e) {
            return null;
        }
    }

    /** @return how many files the selector watches; for tests */
    int registeredFiles() {
        return selector.getMap().size();
    }

    void close() {
        try {
            selector.close();
        } catch (IOException e) {
            LoopErrors.warn("event loop: closing the selector failed", e);
        }
    }

    /**
     * A key the loop did not make (its selector was reached behind its back): unregistered, so it cannot
     * keep the loop spinning on a ready file no callback reads, and reported.
     */
    private void foreign(SelectorKey key) {
        try {
            if (key.fileobj() instanceof Selectable s) {
                selector.unregister(s);
            } else {
                selector.unregister(key.fd());
            }
        } catch (IOException | RuntimeException e) {
            // gone either way
        }
        errors.report("selector", this, new IllegalStateException("fd " + key.fd() + " was registered on the"
                + " loop's selector directly and has been unregistered: watch descriptors with addReader/addWriter"));
    }

    /**
     * Hands each ready file to its reader and writer. A class rather than a lambda, and the callbacks
     * called in place: every call level saved here leaves the JIT room to inline a whole read-to-write
     * path (down to the FFM downcall, whose errno-capture slice it then never allocates).
     */
    private final class Dispatcher implements ReadyHandler {
        @Override
        public void ready(SelectorKey key, int events) {
            if (!(key.data() instanceof FdHandlers h)) {
                foreign(key);
                return;
            }
            if ((events & Selector.EVENT_READ) != 0) {
                Runnable r = h.reader;
                if (r != null) {
                    try {
                        r.run();
                    } catch (Throwable t) {
                        errors.report("reader", r, t);
                    }
                }
            }
            if ((events & Selector.EVENT_WRITE) != 0) {
                Runnable w = h.writer; // read again: the reader may have removed it
                if (w != null) {
                    try {
                        w.run();
                    } catch (Throwable t) {
                        errors.report("writer", w, t);
                    }
                }
            }
        }
    }
}
