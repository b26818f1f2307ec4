package io.jselectors;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Waits for I/O readiness on many file descriptors at once: Python's {@code selectors.BaseSelector}
 * for Java, on the operating system's own event notification API.
 *
 * <pre>{@code
 * try (Selector sel = Selector.open()) {
 *     sel.register(fd, Selector.EVENT_READ, "my pipe");
 *     for (ReadyEvent ev : sel.select(Duration.ofSeconds(1))) {
 *         System.out.println(ev.key().data() + " is readable");
 *     }
 * }
 * }</pre>
 *
 * <p>A selector is used by one thread at a time, except {@link #wakeup()} and {@link #close()}, which
 * any thread may call. While a {@code select} runs, {@code register}, {@code modify} and
 * {@code unregister} from another thread, and {@code select} from inside one of its own
 * {@link ReadyHandler}s, throw {@link IllegalStateException} (best effort, like
 * {@link java.util.ConcurrentModificationException}). A selector's own descriptors (its wakeup fd, its
 * epoll or kqueue fd) cannot be registered. One {@code select} returns every ready registered file. Errors and hang-ups on a file are reported
 * as readiness for the events that file registered, so the next read or write sees the error.
 *
 * <p>After {@link #close()}, every method but {@code close()}, {@code wakeup()} and {@code backend()}
 * throws {@link java.nio.channels.ClosedSelectorException}.
 */
public interface Selector extends AutoCloseable {
    /** The file is readable: data, end of file, a pending connection, or an error. */
    int EVENT_READ = 1;
    /** The file is writable: buffer space, a completed connect, or an error. */
    int EVENT_WRITE = 2;

    /**
     * Opens the best backend for this platform (Python's {@code DefaultSelector}): epoll on Linux,
     * kqueue on macOS and FreeBSD, poll elsewhere. kqueue is picked only where the C library has it:
     * a user-space kqueue named by {@code jselectors.kqueue.library} (libkqueue on Linux) is used only
     * through {@link KqueueSelector#open()}.
     *
     * @return a new selector; close it when done
     * @throws IOException if the backend cannot be created (for example, out of descriptors)
     */
    static Selector open() throws IOException {
        if (EpollSelector.isAvailable()) {
            return EpollSelector.open();
        }
        if (KqueueSelector.isNative()) {
            return KqueueSelector.open();
        }
        return PollSelector.open();
    }

    /**
     * Registers a file descriptor, with no attachment.
     *
     * @param fd     the descriptor, {@code >= 0}
     * @param events a non-empty mask of {@link #EVENT_READ} and {@link #EVENT_WRITE}
     * @return the new key
     * @throws IllegalArgumentException if fd or events are invalid, or the fd is already registered
     * @throws ErrnoException           if the OS refuses the fd (epoll: EBADF for a closed fd, EPERM for a regular file)
     * @throws IOException              on other I/O errors
     */
    SelectorKey register(int fd, int events) throws IOException;

    /**
     * Registers a file descriptor with an attachment.
     *
     * @param fd     the descriptor, {@code >= 0}
     * @param events a non-empty mask of {@link #EVENT_READ} and {@link #EVENT_WRITE}
     * @param data   any attachment, returned in the key; may be {@code null}
     * @return the new key
     * @throws IllegalArgumentException if fd or events are invalid, or the fd is already registered
     * @throws IOException              if the OS refuses the fd
     */
    SelectorKey register(int fd, int events, Object data) throws IOException;

    /**
     * Registers a {@link Selectable}, with no attachment.
     *
     * @param file   the file; its {@code fileno()} must be {@code >= 0}
     * @param events a non-empty mask of {@link #EVENT_READ} and {@link #EVENT_WRITE}
     * @return the new key, whose {@code fileobj()} is {@code file}
     * @throws IllegalArgumentException if the file is closed, events are invalid, or it is already registered
     * @throws IOException              if the OS refuses the fd
     */
    SelectorKey register(Selectable file, int events) throws IOException;

    /**
     * Registers a {@link Selectable} with an attachment.
     *
     * @param file   the file; its {@code fileno()} must be {@code >= 0}
     * @param events a non-empty mask of {@link #EVENT_READ} and {@link #EVENT_WRITE}
     * @param data   any attachment; may be {@code null}
     * @return the new key, whose {@code fileobj()} is {@code file}
     * @throws IllegalArgumentException if the file is closed, events are invalid, or it is already registered
     * @throws IOException              if the OS refuses the fd
     */
    SelectorKey register(Selectable file, int events, Object data) throws IOException;

    /**
     * Stops watching a file descriptor. Works after the fd was closed, even if its number was reused since.
     *
     * @param fd the descriptor
     * @return the key it had
     * @throws java.util.NoSuchElementException if the fd is not registered
     * @throws IOException                      on an unexpected OS error
     */
    SelectorKey unregister(int fd) throws IOException;

    /**
     * Stops watching a {@link Selectable}. A closed one ({@code fileno() < 0}) is found by identity.
     *
     * @param file the file
     * @return the key it had
     * @throws java.util.NoSuchElementException if the file is not registered
     * @throws IOException                      on an unexpected OS error
     */
    SelectorKey unregister(Selectable file) throws IOException;

    /**
     * Changes the events or attachment of a registered fd. Changing only the attachment makes no system call.
     *
     * @param fd     the descriptor
     * @param events the new non-empty event mask
     * @param data   the new attachment
     * @return the new key
     * @throws java.util.NoSuchElementException if the fd is not registered
     * @throws IllegalArgumentException         if events are invalid
     * @throws IOException                      if the OS refuses the change
     */
    SelectorKey modify(int fd, int events, Object data) throws IOException;

    /**
     * Changes the events or attachment of a registered {@link Selectable}.
     *
     * @param file   the file
     * @param events the new non-empty event mask
     * @param data   the new attachment
     * @return the new key
     * @throws java.util.NoSuchElementException if the file is not registered
     * @throws IllegalArgumentException         if events are invalid
     * @throws IOException                      if the OS refuses the change
     */
    SelectorKey modify(Selectable file, int events, Object data) throws IOException;

    /**
     * Blocks until at least one registered file is ready or {@link #wakeup()} is called.
     *
     * @return the ready files, one event per file (possibly empty after a wakeup)
     * @throws IOException if the wait fails
     */
    List<ReadyEvent> select() throws IOException;

    /**
     * Waits for readiness. An interrupted wait (EINTR, a signal) is retried with the time that remains.
     *
     * <p>{@link Thread#interrupt()} of the selecting thread, platform or virtual, ends the wait as
     * {@link #wakeup()} does, and the interrupt status stays set; a select that starts with the status
     * already set returns at once, as a JDK NIO select does. A loop that selects should therefore check
     * {@link Thread#isInterrupted()} (or clear it) rather than select again at once. {@link #close()}
     * from another thread also ends the wait: the select returns empty, or throws
     * {@link java.nio.channels.ClosedSelectorException} if it had not started waiting.
     *
     * @param timeout {@code null}: block; zero or negative: do not block; positive: wait at most
     *                that long (rounded up to the backend's granularity)
     * @return the ready files; empty only when the timeout elapsed, or a wakeup, an interrupt or a close came
     * @throws IOException           if the wait fails
     * @throws IllegalStateException if called from inside a {@link ReadyHandler} of this selector's own
     *                               select, or while another thread selects
     */
    List<ReadyEvent> select(Duration timeout) throws IOException;

    /**
     * Waits like {@link #select(Duration)}, and hands each ready file to {@code handler}. Allocates
     * nothing in steady state.
     *
     * @param timeout as for {@link #select(Duration)}
     * @param handler called once per ready file, on this thread, before this method returns; it may
     *                register, modify, unregister and close, but not select on this selector
     * @return how many files were handed to the handler
     * @throws IOException           if the wait fails
     * @throws IllegalStateException as for {@link #select(Duration)}
     */
    int select(Duration timeout, ReadyHandler handler) throws IOException;

    /**
     * Waits like {@link #select(Duration, ReadyHandler)} with the timeout in nanoseconds, for callers
     * that keep their deadlines on {@link System#nanoTime()} (an event loop's timers): no conversion to
     * a {@link Duration} and back on each wait.
     *
     * @param timeoutNanos {@link Long#MAX_VALUE}: block (as a {@code null} timeout); zero or negative: do
     *                     not block; positive: wait at most that long (rounded up to the backend's granularity)
     * @param handler      called once per ready file, on this thread, before this method returns
     * @return how many files were handed to the handler
     * @throws IOException if the wait fails
     */
    default int selectNanos(long timeoutNanos, ReadyHandler handler) throws IOException {
        return select(timeoutNanos == Long.MAX_VALUE ? null : Duration.ofNanos(Math.max(0, timeoutNanos)), handler);
    }

    /**
     * Returns the key of a registered fd.
     *
     * @param fd the descriptor
     * @return its key
     * @throws java.util.NoSuchElementException if the fd is not registered
     */
    SelectorKey getKey(int fd);

    /**
     * Returns the key of a registered {@link Selectable}.
     *
     * @param file the file
     * @return its key
     * @throws java.util.NoSuchElementException if the file is not registered
     */
    SelectorKey getKey(Selectable file);

    /**
     * Returns a read-only live view of the registrations, fd to key.
     *
     * @return the view; empty once the selector is closed
     */
    Map<Integer, SelectorKey> getMap();

    /**
     * Makes a blocked {@code select} return now, or the next one return at once. Thread-safe;
     * repeated calls before the select sees them cost one system call. Does nothing after close.
     */
    void wakeup();

    /**
     * Names the OS facility behind this selector.
     *
     * @return {@code "epoll"}, {@code "poll"}, {@code "select"}, {@code "kqueue"}, ...
     */
    String backend();

    /**
     * Forgets every key and frees every native resource. Idempotent. Any thread may call it: while
     * another thread selects, it wakes that select and returns once the select has left and everything
     * is freed (as JDK NIO's close waits for a select). From a {@link ReadyHandler}, the select stops
     * handing out files and frees on its way out.
     *
     * @throws IOException if the OS reports an error while closing
     */
    @Override
    void close() throws IOException;
}
