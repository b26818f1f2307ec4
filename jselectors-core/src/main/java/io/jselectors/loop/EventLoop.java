package io.jselectors.loop;

import io.jselectors.ReadyHandler;
import io.jselectors.Selectable;
import io.jselectors.Selector;
import io.jselectors.SelectorKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A single-threaded event loop on any {@link Selector} backend: asyncio's loop for Java.
 *
 * <pre>{@code
 * try (EventLoop loop = EventLoop.open()) {
 *     loop.schedule(Duration.ofMillis(100), loop::stop);
 *     loop.run();   // returns after about 100 ms
 * }
 * }</pre>
 *
 * <h2>Threads</h2>
 * The loop runs on the thread that calls {@link #run()}. Callbacks, timers, tasks and protocol methods
 * all run on that thread, one at a time. Thread-safe: {@link #execute(Runnable)}, {@link #schedule},
 * {@link TimerHandle#cancel()}, {@link #stop()}, {@link #close()}, {@link #connect}, {@link #inLoopThread()}.
 * Everything else (readers and writers, transports, servers' close) must be called on the loop thread
 * while the loop runs, or from one thread while it does not; from another thread it throws
 * {@link IllegalStateException} (hand the work to {@link #execute(Runnable)} instead).
 *
 * <h2>Errors in callbacks</h2>
 * Whatever a callback throws goes to the {@linkplain #setExceptionHandler exception handler} (by
 * default: logged through {@link System.Logger} {@code io.jselectors.loop}) and the loop goes on. A
 * reader or writer that threw stays registered; a protocol whose method threw has its connection
 * ended at once (its unsent bytes dropped, and then the peer sees a reset), and
 * {@link Protocol#connectionLost} receives the exception. Only {@link VirtualMachineError}s
 * other than {@link StackOverflowError} leave {@link #run()}.
 *
 * <h2>Timers</h2>
 * Timers have millisecond resolution: the loop waits for the next deadline rounded up to a whole
 * millisecond, so it never returns from its wait before a timer is due and never busy-waits for one.
 * A timer fires at or after its deadline, never before.
 *
 * <h2>Closing</h2>
 * {@link #close()} closes every connection at once (its protocol gets {@code connectionLost} with an
 * {@link IOException} saying the loop closed; a connection with unsent bytes is reset, see
 * {@link Transport}), closes every server, fails every pending connect,
 * drops timers and queued tasks without running them, unregisters every reader and writer (their
 * descriptors stay open: they are the caller's), and closes the selector. After close, {@code execute}
 * and {@code schedule} throw {@link RejectedExecutionException}, {@code run} throws
 * {@link IllegalStateException}, and {@code stop}, {@code close} and {@link TimerHandle#cancel()} do nothing
 * ({@code cancel} returns false).
 */
public final class EventLoop implements Executor, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.jselectors.loop");

    /** Size of the loop's one read buffer: the most a single dataReceived call hands over. */
    public static final int READ_BUFFER_SIZE = 64 * 1024;

    /** Waits of 0..1000 ms, made once: computing the next wait allocates nothing. */
    private static final Duration[] MILLIS = new Duration[1001];
    /** Waits of whole seconds for far timers, made on first use; the loop re-waits the remainder. */
    private static final Duration[] SECONDS = new Duration[3601];

    static {
        for (int i = 0; i < MILLIS.length; i++) {
            MILLIS[i] = Duration.ofMillis(i);
        }
    }

    private static final LoopExceptionHandler LOGGING_HANDLER = (context, error) ->
            LOG.log(System.Logger.Level.WARNING, "event loop: " + context + " threw; the loop goes on", error);

    private final Selector selector;
    private final ReadyHandler dispatcher = new Dispatcher();
    private final TimerHeap timers = new TimerHeap();
    private final TaskQueue tasks = new TaskQueue();
    private final AtomicLong timerSequence = new AtomicLong();
    /** Timers scheduled and neither fired nor cancelled, wherever they are (heap or task queue). */
    private final AtomicInteger liveTimers = new AtomicInteger();

    private final Object stateLock = new Object();
    private volatile Thread thread;
    private volatile boolean selecting;
    private volatile boolean stopRequested;
    private volatile boolean closed;
    private boolean closeRequested;
    private boolean closing;
    private boolean closeDone;
    private volatile LoopExceptionHandler exceptionHandler = LOGGING_HANDLER;
    private long iterations;

    // ---- I/O memory: owned by the loop, freed by close() ----------------------------------------
    private final Arena arena = Arena.ofShared();
    private final SliceCache readBuffer;
    private final BufferPool pool = new BufferPool();
    /** Open transports, servers and connects, to release at close. Loop thread only. */
    private final Set<LoopResource> resources = Collections.newSetFromMap(new IdentityHashMap<>());

    private EventLoop(Selector selector) {
        this.selector = selector;
        this.readBuffer = new SliceCache(arena.allocate(READ_BUFFER_SIZE, 8));
    }

    /**
     * Opens a loop on the platform's best selector ({@link Selector#open()}).
     *
     * @return a new loop; close it when done
     * @throws IOException if the selector cannot be opened
     */
    public static EventLoop open() throws IOException {
        return new EventLoop(Selector.open());
    }

    /**
     * Opens a loop on the given selector, which the loop then owns: do not use it yourself, and
     * {@link #close()} closes it.
     *
     * @param selector an open selector with no registrations
     * @return a new loop
     */
    public static EventLoop open(Selector selector) {
        return new EventLoop(Objects.requireNonNull(selector, "selector"));
    }

    /**
     * Returns the selector under this loop (for its {@link Selector#backend()}; do not register on it).
     *
     * @return the selector under this loop (for its {@link Selector#backend()}; do not register on it)
     */
    public Selector selector() {
        return selector;
    }

    // ---- running -------------------------------------------------------------------------------

    /**
     * Runs the loop on the calling thread until {@link #stop()} or {@link #close()}. May be called
     * again after it returns.
     *
     * @throws IllegalStateException if the loop is closed or already running
     * @throws UncheckedIOException  if the selector fails (then the loop is stopped, not closed)
     */
    public void run() {
        synchronized (stateLock) {
            if (closed || closing) {
                throw new IllegalStateException("cannot run: the event loop is closed");
            }
            Thread t = thread;
            if (t != null) {
                throw new IllegalStateException("the event loop is already running on thread " + t.getName());
            }
            thread = Thread.currentThread();
        }
        try {
            while (true) {
                runOnce();
                if (stopRequested) {
                    stopRequested = false;
                    break;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("event loop: the " + selector.backend() + " selector failed", e);
        } finally {
            boolean closeNow;
            synchronized (stateLock) {
                thread = null;
                closeNow = closeRequested && !closing;
                if (closeNow) {
                    closing = true;
                }
            }
            if (closeNow) {
                doClose();
            }
        }
    }

    /**
     * Makes {@link #run()} return after the current round of callbacks. Thread-safe. Called while the
     * loop is not running, it makes the next {@code run()} do one round without waiting and return.
     */
    public void stop() {
        stopRequested = true;
        if (thread != Thread.currentThread()) {
            selector.wakeup();
        }
    }

    /**
     * Returns true while a thread is inside {@link #run()}.
     *
     * @return true while a thread is inside {@link #run()}
     */
    public boolean isRunning() {
        return thread != null;
    }

    /**
     * Returns true once {@link #close()} has started.
     *
     * @return true once {@link #close()} has started
     */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Returns true when called from the thread running this loop.
     *
     * @return true when called from the thread running this loop
     */
    public boolean inLoopThread() {
        return thread == Thread.currentThread();
    }

    /**
     * Returns how many rounds (one wait each) the loop has made; for tests and monitoring.
     *
     * @return how many rounds (one wait each) the loop has made; for tests and monitoring
     */
    public long iterations() {
        return iterations;
    }

    private void runOnce() throws IOException {
        iterations++;
        Duration timeout;
        if (stopRequested || tasks.pending() > 0) {
            timeout = Duration.ZERO;
        } else {
            timeout = timerWait();
        }
        selecting = true;
        // Dekker with execute(): a task queued before this read is seen; one queued after sees selecting.
        if (timeout != Duration.ZERO && tasks.pending() > 0) {
            timeout = Duration.ZERO;
        }
        try {
            selector.select(timeout, dispatcher);
        } finally {
            selecting = false;
        }
        runDueTimers();
        runTasks();
    }

    /** @return how long to wait for the next timer: null (block) when there is none */
    private Duration timerWait() {
        TimerHandle next = timers.peek();
        if (next == null) {
            return null;
        }
        long wait = next.deadlineNanos() - System.nanoTime();
        if (wait <= 0) {
            return Duration.ZERO;
        }
        long ms = wait / 1_000_000 + (wait % 1_000_000 != 0 ? 1 : 0);
        if (ms < MILLIS.length) {
            return MILLIS[(int) ms];
        }
        int s = (int) Math.min(wait / 1_000_000_000L, SECONDS.length - 1);
        Duration d = SECONDS[s];
        if (d == null) {
            d = Duration.ofSeconds(s);
            SECONDS[s] = d;
        }
        return d;
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
                return;
            }
            if ((events & Selector.EVENT_READ) != 0) {
                Runnable r = h.reader;
                if (r != null) {
                    try {
                        r.run();
                    } catch (Throwable t) {
                        reportError("reader", r, t);
                    }
                }
            }
            if ((events & Selector.EVENT_WRITE) != 0) {
                Runnable w = h.writer; // read again: the reader may have removed it
                if (w != null) {
                    try {
                        w.run();
                    } catch (Throwable t) {
                        reportError("writer", w, t);
                    }
                }
            }
        }
    }

    private void runDueTimers() {
        if (timers.size() == 0) {
            return;
        }
        long now = System.nanoTime();
        long lastSequence = timerSequence.get();
        TimerHandle h;
        while ((h = timers.peek()) != null && h.deadlineNanos() - now <= 0) {
            if (h.sequence() >= lastSequence) {
                break; // scheduled by a timer of this round: next round
            }
            timers.poll();
            if (h.fire()) {
                liveTimers.decrementAndGet();
                runCallback(h.callback(), "timer callback");
            }
        }
    }

    private void runTasks() {
        int n = tasks.pending();
        for (int i = 0; i < n; i++) {
            Runnable r = tasks.poll();
            if (r == null) {
                break;
            }
            runCallback(r, "task");
        }
    }

    private void runCallback(Runnable r, String what) {
        try {
            r.run();
        } catch (Throwable t) {
            reportError(what, r, t);
        }
    }

    /** Hands what a callback threw to the exception handler; rethrows fatal VM errors. */
    void reportError(String what, Object where, Throwable t) {
        if (t instanceof VirtualMachineError vme && !(t instanceof StackOverflowError)) {
            throw vme;
        }
        String context = what + " " + where;
        try {
            exceptionHandler.handle(context, t);
        } catch (Throwable t2) {
            if (t2 instanceof VirtualMachineError vme && !(t2 instanceof StackOverflowError)) {
                throw vme;
            }
            try {
                LOG.log(System.Logger.Level.ERROR, "event loop: the exception handler threw while handling " + context, t2);
            } catch (RuntimeException | LinkageError logFailure) {
                // Logging itself failed (out of descriptors, say): nothing more to do; the loop goes on.
            }
        }
    }

    /**
     * Replaces the handler that receives what callbacks throw.
     *
     * @param handler the new handler, or null to restore the default (logging)
     */
    public void setExceptionHandler(LoopExceptionHandler handler) {
        exceptionHandler = handler == null ? LOGGING_HANDLER : handler;
    }

    // ---- tasks and timers ------------------------------------------------------------------------

    /**
     * Runs a task on the loop thread, soon: after the current round's I/O callbacks and timers, in
     * the order tasks were queued. Thread-safe; wakes the loop only when it may be waiting.
     *
     * @param task the task
     * @throws RejectedExecutionException if the loop is closed
     */
    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (closed) {
            throw new RejectedExecutionException("the event loop is closed; the task was not queued");
        }
        tasks.offer(task);
        if (selecting && thread != Thread.currentThread()) {
            selector.wakeup();
        }
    }

    /** Loop-internal: queue a task, or drop it quietly if the loop is closed. */
    void callSoon(Runnable task) {
        if (!closed) {
            tasks.offer(task);
            if (selecting && thread != Thread.currentThread()) {
                selector.wakeup();
            }
        }
    }

    /**
     * Runs a callback on the loop thread once a delay has passed. Thread-safe.
     *
     * @param delay    how long to wait; zero or negative means the next round
     * @param callback what to run
     * @return a handle to cancel the timer
     * @throws RejectedExecutionException if the loop is closed
     */
    public TimerHandle schedule(Duration delay, Runnable callback) {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(callback, "callback");
        if (closed) {
            throw new RejectedExecutionException("the event loop is closed; the timer was not scheduled");
        }
        long nanos = delay.isNegative() ? 0 : saturatedNanos(delay);
        long now = System.nanoTime();
        TimerHandle h = new TimerHandle(this, now + nanos, timerSequence.getAndIncrement(), callback);
        liveTimers.incrementAndGet();
        if (inLoopThread()) {
            timers.add(h);
        } else {
            execute(() -> {
                if (!h.isCancelled()) {
                    timers.add(h);
                }
            });
        }
        return h;
    }

    /**
     * Returns how many timers are waiting: scheduled, and neither fired nor cancelled. A cancelled timer
     * stops counting at once, also when it was cancelled from another thread or while the loop is not
     * running; after {@link #close()} it is 0.
     *
     * @return the count
     */
    public int pendingTimers() {
        return closed ? 0 : liveTimers.get();
    }

    void timerCancelled(TimerHandle h) {
        liveTimers.decrementAndGet();
        if (inLoopThread()) {
            timers.remove(h);
        } else {
            callSoon(() -> timers.remove(h));
        }
    }

    private static long saturatedNanos(Duration d) {
        // Cap at ~146 years so that now + delay cannot overflow.
        return d.getSeconds() >= (1L << 32) ? (1L << 32) * 1_000_000_000L : d.toNanos();
    }

    // ---- readers and writers -----------------------------------------------------------------

    /**
     * Calls {@code callback} on the loop thread whenever fd is readable (asyncio's {@code add_reader}),
     * replacing any reader it had. The fd stays the caller's: close it only after removing it.
     *
     * @param fd       an open descriptor, ideally non-blocking
     * @param callback what to run
     * @throws IOException           if the selector refuses the fd
     * @throws IllegalStateException if called from another thread while the loop runs, or after close
     */
    public void addReader(int fd, Runnable callback) throws IOException {
        setHandler(fd, null, true, Objects.requireNonNull(callback, "callback"));
    }

    /**
     * Like {@link #addReader(int, Runnable)} for a {@link Selectable}.
     *
     * @param file     the file
     * @param callback what to run
     * @throws IOException if the selector refuses the file
     */
    public void addReader(Selectable file, Runnable callback) throws IOException {
        setHandler(-1, Objects.requireNonNull(file, "file"), true, Objects.requireNonNull(callback, "callback"));
    }

    /**
     * Calls {@code callback} on the loop thread whenever fd is writable, replacing any writer it had.
     *
     * @param fd       an open descriptor
     * @param callback what to run
     * @throws IOException if the selector refuses the fd
     */
    public void addWriter(int fd, Runnable callback) throws IOException {
        setHandler(fd, null, false, Objects.requireNonNull(callback, "callback"));
    }

    /**
     * Like {@link #addWriter(int, Runnable)} for a {@link Selectable}.
     *
     * @param file     the file
     * @param callback what to run
     * @throws IOException if the selector refuses the file
     */
    public void addWriter(Selectable file, Runnable callback) throws IOException {
        setHandler(-1, Objects.requireNonNull(file, "file"), false, Objects.requireNonNull(callback, "callback"));
    }

    /**
     * Stops watching fd for reading. Works after the fd was closed.
     *
     * @param fd the descriptor
     * @return true if it had a reader
     * @throws IOException on an unexpected selector error
     */
    public boolean removeReader(int fd) throws IOException {
        return setHandler(fd, null, true, null);
    }

    /**
     * Stops watching a {@link Selectable} for reading. Works after it was closed.
     *
     * @param file the file
     * @return true if it had a reader
     * @throws IOException on an unexpected selector error
     */
    public boolean removeReader(Selectable file) throws IOException {
        return setHandler(-1, Objects.requireNonNull(file, "file"), true, null);
    }

    /**
     * Stops watching fd for writing. Works after the fd was closed.
     *
     * @param fd the descriptor
     * @return true if it had a writer
     * @throws IOException on an unexpected selector error
     */
    public boolean removeWriter(int fd) throws IOException {
        return setHandler(fd, null, false, null);
    }

    /**
     * Stops watching a {@link Selectable} for writing. Works after it was closed.
     *
     * @param file the file
     * @return true if it had a writer
     * @throws IOException on an unexpected selector error
     */
    public boolean removeWriter(Selectable file) throws IOException {
        return setHandler(-1, Objects.requireNonNull(file, "file"), false, null);
    }

    /**
     * Sets or clears (callback null) the reader or writer of fd, or of file when it is not null.
     *
     * @return for a removal, whether there was one to remove; true for an addition
     */
    private boolean setHandler(int fd, Selectable file, boolean reader, Runnable callback) throws IOException {
        checkLoopThread();
        if (file == null && fd < 0) {
            throw new IllegalArgumentException("invalid fd " + fd + ": a file descriptor is >= 0");
        }
        SelectorKey key = findKey(fd, file);
        if (key == null) {
            if (callback == null) {
                return false;
            }
            FdHandlers h = new FdHandlers();
            if (reader) {
                h.reader = callback;
            } else {
                h.writer = callback;
            }
            if (file != null) {
                selector.register(file, h.events(), h);
            } else {
                selector.register(fd, h.events(), h);
            }
            return true;
        }
        if (!(key.data() instanceof FdHandlers h)) {
            throw new IllegalStateException("fd " + key.fd() + " was registered on the loop's selector directly;"
                    + " use only the loop's addReader/addWriter");
        }
        Runnable old = reader ? h.reader : h.writer;
        if (reader) {
            h.reader = callback;
        } else {
            h.writer = callback;
        }
        int events = h.events();
        if (events == 0) {
            if (key.fileobj() instanceof Selectable s) {
                selector.unregister(s);
            } else {
                selector.unregister(key.fd());
            }
        } else if (events != key.events()) {
            if (key.fileobj() instanceof Selectable s) {
                selector.modify(s, events, h);
            } else {
                selector.modify(key.fd(), events, h);
            }
        }
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

    /**
     * Throws unless the caller may touch loop-thread state: on the loop thread while it runs, or any
     * one thread while it does not.
     */
    void checkLoopThread() {
        if (closed) {
            throw new IllegalStateException("the event loop is closed");
        }
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            throw new IllegalStateException("called from thread " + Thread.currentThread().getName()
                    + " while the loop runs on " + t.getName() + ": hand the work to loop.execute(...)");
        }
    }

    // ---- streams -------------------------------------------------------------------------------

    /**
     * Listens on an address and serves each connection with a new protocol. Binds at once; accepting
     * starts on the loop thread.
     *
     * @param address  an {@link java.net.InetSocketAddress} (port 0 for any free port) or a
     *                 {@link java.net.UnixDomainSocketAddress}
     * @param factory  makes one protocol per accepted connection, on the loop thread; what it throws is
     *                 reported and that connection closed
     * @param options  listen and accept options, e.g. {@link ServerOptions#DEFAULTS}
     * @return the server; {@link Server#localAddress()} tells the port chosen
     * @throws IOException                if the bind fails (EADDRINUSE, EACCES, ...)
     * @throws RejectedExecutionException if the loop is closed
     */
    public Server createServer(SocketAddress address, Supplier<? extends Protocol> factory, ServerOptions options)
            throws IOException {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(options, "options");
        if (closed) {
            throw new RejectedExecutionException("the event loop is closed; no server was created");
        }
        return Server.start(this, address, factory, options);
    }

    /**
     * Like {@link #createServer(SocketAddress, Supplier, ServerOptions)} with {@link ServerOptions#DEFAULTS}.
     *
     * @param address the address
     * @param factory one protocol per connection
     * @return the server
     * @throws IOException if the bind fails
     */
    public Server createServer(SocketAddress address, Supplier<? extends Protocol> factory) throws IOException {
        return createServer(address, factory, ServerOptions.DEFAULTS);
    }

    /**
     * Connects to an address. Thread-safe. When the connection is up, the protocol's
     * {@code connectionMade} runs, then the future completes, both on the loop thread.
     *
     * @param address  an {@link java.net.InetSocketAddress} or a {@link java.net.UnixDomainSocketAddress}
     * @param protocol the protocol of the new connection
     * @param timeout  how long to wait for the connection, or null to wait as long as the OS does
     * @return the transport, or a failure: an {@link io.jselectors.ErrnoException} (ECONNREFUSED,
     *         ENOENT for a missing Unix socket, ...), a {@link java.net.SocketTimeoutException}, or an
     *         {@link IOException} if the loop closed first. Cancelling the future abandons the connect and closes its socket at once.
     */
    public CompletableFuture<Transport> connect(SocketAddress address, Protocol protocol, Duration timeout) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(protocol, "protocol");
        return Connector.connect(this, address, protocol, timeout);
    }

    // ---- for transports ------------------------------------------------------------------------

    SliceCache readBuffer() {
        return readBuffer;
    }

    BufferPool pool() {
        return pool;
    }

    void track(LoopResource r) {
        resources.add(r);
    }

    void untrack(LoopResource r) {
        resources.remove(r);
    }

    /** @return how many transports, servers and pending connects are open; for tests */
    int openResources() {
        return resources.size();
    }

    /** @return bytes the loop keeps in free write buffers; for tests */
    long pooledBytes() {
        return pool.pooledBytes();
    }

    // ---- closing -------------------------------------------------------------------------------

    /**
     * Closes the loop and everything it owns (see the class comment). Thread-safe and idempotent.
     * Called on the loop thread while it runs, it stops the loop, and the close happens as
     * {@link #run()} returns; called from another thread while it runs, it stops the loop and waits
     * for that close.
     */
    @Override
    public void close() {
        boolean interrupted = false;
        synchronized (stateLock) {
            if (closeDone) {
                return;
            }
            closeRequested = true;
            Thread t = thread;
            if (t == Thread.currentThread()) {
                stop();
                return;
            }
            if (t != null || closing) {
                if (t != null) {
                    stop();
                }
                while (!closeDone) {
                    try {
                        stateLock.wait();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            closing = true;
        }
        doClose();
    }

    private void doClose() {
        closed = true;
        try {
            for (LoopResource r : new ArrayList<>(resources)) {
                try {
                    r.loopClosed();
                } catch (Throwable t) {
                    reportError("closing", r, t);
                }
            }
            resources.clear();
            timers.clear();
            tasks.clear(task -> {
                if (task instanceof StartTask st) {
                    try {
                        st.abandon().run(); // close what it would have started
                    } catch (Throwable t) {
                        reportError("abandoning", task, t);
                    }
                }
            });
            try {
                selector.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "event loop: closing the selector failed", e);
            }
            pool.close();
            arena.close();
        } finally {
            synchronized (stateLock) {
                closeDone = true;
                stateLock.notifyAll();
            }
        }
    }

    /** @return the exception protocols receive when the loop closes under them */
    static IOException loopClosedException() {
        return new IOException("the event loop was closed");
    }

    @Override
    public String toString() {
        return "EventLoop[" + selector.backend() + (closed ? ", closed" : isRunning() ? ", running" : "") + "]";
    }
}
