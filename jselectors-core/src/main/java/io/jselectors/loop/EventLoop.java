package io.jselectors.loop;

import io.jselectors.Selectable;
import io.jselectors.Selector;
import io.jselectors.net.DatagramSocket;
import io.jselectors.net.StreamSocket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
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
 * {@link #scheduleAtFixedRate}, {@link #scheduleWithFixedDelay}, {@link TimerHandle#cancel()},
 * {@link #stop()}, {@link #close()}, {@link #connect}, {@link #adopt},
 * {@link #createServer(String, int, Supplier, ServerOptions) createServer(host, port, ...)}, {@link #inLoopThread()},
 * {@link #time()}, and the futures {@link Transport#closed()} and {@link Server#closed()}.
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
 * Deadlines are kept on the {@link System#nanoTime()} clock and reach the selector in nanoseconds; the
 * backend rounds the wait up to its granularity (epoll: a millisecond, or a nanosecond with
 * {@code epoll_pwait2}), so the loop never returns from its wait before a timer is due and never
 * busy-waits for one. A timer fires at or after its deadline, never before. {@link #time()} reads that
 * clock. Repeating timers ({@link #scheduleAtFixedRate}, {@link #scheduleWithFixedDelay}) skip the runs
 * a late loop missed rather than run them back to back.
 *
 * <h2>Futures</h2>
 * {@link #connect} returns a future of the transport; {@link Transport#closed()} and
 * {@link Server#closed()} are futures of a connection's and a server's end; {@link #runUntil} runs the
 * loop until a future completes (asyncio's {@code run_until_complete}). The loop is an {@link Executor}:
 * {@code future.thenAcceptAsync(fn, loop)} brings a result computed elsewhere back to the loop thread.
 *
 * <h2>Closing</h2>
 * {@link #close()} closes every connection at once (its protocol gets {@code connectionLost} with an
 * {@link IOException} saying the loop closed, and its {@link Transport#closed()} fails with it; a
 * connection with unsent bytes is reset, see {@link Transport}), closes every server (its
 * {@link Server#closed()} fails with the same kind of exception), fails every pending connect,
 * drops timers and queued tasks without running them, unregisters every reader and writer (their
 * descriptors stay open: they are the caller's), and closes the selector. After close, {@code execute}
 * and {@code schedule} throw {@link RejectedExecutionException}, {@code run} throws
 * {@link IllegalStateException}, and {@code stop}, {@code close} and {@link TimerHandle#cancel()} do nothing
 * ({@code cancel} returns false).
 */
public final class EventLoop implements Executor, AutoCloseable {
    /** Opens the selector a new loop will own, e.g. {@code PollSelector::open}. */
    @FunctionalInterface
    public interface SelectorOpener {
        /**
         * Opens a new selector with no registrations.
         *
         * @return the selector; the loop owns it from then on
         * @throws IOException if it cannot be opened
         */
        Selector open() throws IOException;
    }

    private final LoopErrors errors = new LoopErrors();
    private final LoopIo io;
    private final Scheduler scheduler;
    private final TransportMemory memory = new TransportMemory();
    /** Open transports, servers and connects, to release at close. Loop thread only. */
    private final Set<LoopResource> resources = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Runnable closer = this::closeResources;
    /** For {@link #runUntil}: the future completed on another thread wakes the loop to see it. */
    private final BiConsumer<Object, Throwable> wakeOnCompletion = this::wakeOnCompletion;

    private EventLoop(Selector selector) {
        this.io = new LoopIo(selector, errors);
        this.scheduler = new Scheduler(io, errors);
    }

    /**
     * Opens a loop on the platform's best selector ({@link Selector#open()}).
     *
     * @return a new loop; close it when done
     * @throws IOException if the selector cannot be opened
     */
    public static EventLoop open() throws IOException {
        return open(Selector::open);
    }

    /**
     * Opens a loop on a selector of your choice, e.g. {@code EventLoop.open(PollSelector::open)}. The loop
     * owns the selector: nothing else can reach it (watch your own descriptors with
     * {@link #addReader}/{@link #addWriter}), and {@link #close()} closes it.
     *
     * @param opener opens a new selector with no registrations
     * @return a new loop
     * @throws IOException              if the selector cannot be opened
     * @throws IllegalArgumentException if the selector returned already has registrations (it is closed)
     */
    public static EventLoop open(SelectorOpener opener) throws IOException {
        Selector selector = Objects.requireNonNull(opener.open(), "the opener returned no selector");
        int registered = selector.getMap().size();
        if (registered != 0) {
            selector.close();
            throw new IllegalArgumentException("the selector for a new loop must have no registrations; it had "
                    + registered + " (open a new one in the opener)");
        }
        return new EventLoop(selector);
    }

    /**
     * Returns the name of the selector backend under this loop.
     *
     * @return "epoll", "poll", "select", "kqueue", ...
     */
    public String backend() {
        return io.backend();
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
        scheduler.run(memory::openReadBuffer, memory::closeReadBuffer, closer, null);
    }

    /**
     * Runs the loop on the calling thread until a future completes, then returns its value: asyncio's
     * {@code run_until_complete}. The loop stops after the round in which the future completed, whoever
     * completed it: a callback on the loop thread, or another thread (which wakes the loop). Call it again,
     * or {@link #run()}, to go on. A future that is already done gets one round without waiting.
     *
     * <p>The result is the future's {@link CompletableFuture#join()}: its value; for a failure a
     * {@link java.util.concurrent.CompletionException} whose cause is the failure (Java cannot rethrow
     * a checked cause as it is, so it is always wrapped; catch {@code CompletionException} and look at
     * {@code getCause()}); {@link java.util.concurrent.CancellationException} if it was cancelled.
     *
     * <p>Work that must not block the loop goes to another thread and comes back to the loop through the
     * loop as an {@link Executor}: {@code CompletableFuture.supplyAsync(work, pool).thenAcceptAsync(
     * result -> transport.write(result), loop)}. Non-async dependent stages run on the thread that
     * completes the future: those of the loop's own futures ({@link Transport#closed()},
     * {@link Server#closed()}, {@link #connect}) on the loop thread, inside its round, where they may use
     * the loop as any callback does.
     *
     * @param future the future to wait for
     * @param <T>    its value's type
     * @return the future's value
     * @throws java.util.concurrent.CompletionException   if the future failed (the failure is the cause)
     * @throws java.util.concurrent.CancellationException if the future was cancelled
     * @throws IllegalStateException if {@link #stop()} or {@link #close()} ended the loop before the
     *     future completed (the future is left as it is); if the loop is closed; or if called on the loop
     *     thread (from a callback: that would block the loop; use {@code future.whenCompleteAsync(fn, loop)})
     *     or while another thread runs it
     * @throws UncheckedIOException if the selector fails (then the loop is stopped, not closed)
     */
    public <T> T runUntil(CompletableFuture<T> future) {
        Objects.requireNonNull(future, "future");
        if (inLoopThread()) {
            throw new IllegalStateException("runUntil called on the loop's own thread (from a callback): it would"
                    + " block the loop; chain the work instead, e.g. future.whenCompleteAsync(fn, loop)");
        }
        if (isClosed()) {
            throw new IllegalStateException("cannot run until the future completes: the event loop is closed");
        }
        future.whenComplete(wakeOnCompletion);
        scheduler.run(memory::openReadBuffer, memory::closeReadBuffer, closer, future);
        if (!future.isDone()) {
            throw new IllegalStateException(isClosed()
                    ? "the event loop was closed before the future completed"
                    : "the event loop was stopped (stop()) before the future completed");
        }
        return future.join();
    }

    private void wakeOnCompletion(Object value, Throwable failure) {
        scheduler.wakeup();
    }

    /**
     * Makes {@link #run()} return after the current round of callbacks. Thread-safe. Called while the
     * loop is not running, it makes the next {@code run()} do one round without waiting and return.
     */
    public void stop() {
        scheduler.stop();
    }

    /**
     * Returns true while a thread is inside {@link #run()}.
     *
     * @return true while a thread is inside {@link #run()}
     */
    public boolean isRunning() {
        return scheduler.isRunning();
    }

    /**
     * Returns true once {@link #close()} has started.
     *
     * @return true once {@link #close()} has started
     */
    public boolean isClosed() {
        return scheduler.isClosed();
    }

    /**
     * Returns true when called from the thread running this loop.
     *
     * @return true when called from the thread running this loop
     */
    public boolean inLoopThread() {
        return scheduler.inLoopThread();
    }

    /** Returns how many rounds (one wait each) the loop has made; for tests. */
    long iterations() {
        return scheduler.iterations();
    }

    /** @return how many files the selector watches; for tests */
    int registeredFiles() {
        return io.registeredFiles();
    }

    /**
     * Replaces the handler that receives what callbacks throw.
     *
     * @param handler the new handler, or null to restore the default (logging)
     */
    public void setExceptionHandler(LoopExceptionHandler handler) {
        errors.setHandler(handler);
    }

    void reportError(String what, Object where, Throwable t) {
        errors.report(what, where, t);
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
        scheduler.execute(Objects.requireNonNull(task, "task"));
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
        return scheduler.schedule(delay.isNegative() ? 0 : saturatedNanos(delay), callback, this, null);
    }

    /**
     * Runs a callback on the loop thread again and again, at a fixed rate: first after
     * {@code initialDelay}, then on the grid {@code first + n * period}. Thread-safe. The names and
     * parameters are {@link java.util.concurrent.ScheduledExecutorService}'s, which Java users know
     * (asyncio has no repeating timer); what differs is the rule for a loop that falls behind:
     * <ul>
     *   <li><b>Never early</b>: each run starts at or after its point of the grid; the grid does not
     *       drift, however late single runs start.</li>
     *   <li><b>Missed runs are skipped</b>, not caught up: after each run the next deadline is the first
     *       point of the grid later than the moment the callback returned. A callback slower than the
     *       period, or a round or pause longer than it, costs the points it covered; there is never a burst
     *       of back-to-back runs (the executor runs them back to back), and at most one run per round.</li>
     *   <li><b>A callback that throws</b> is reported to the {@linkplain #setExceptionHandler exception
     *       handler} and the timer goes on, as a reader that throws stays registered (the executor would
     *       stop it silently). To stop on a failure, catch it and cancel the handle.</li>
     *   <li><b>Cancelling</b> the returned handle, from any thread and at any time, also inside the
     *       callback, stops it: no run starts after {@link TimerHandle#cancel()} returned true. It counts
     *       as one in {@link #pendingTimers()} until cancelled.</li>
     * </ul>
     * Each run reuses the handle (it goes back into the loop's timer heap): repeating costs no allocation.
     * The callback can reach its handle through a field set from the returned value: on the loop thread,
     * or before {@link #run()}, the assignment happens before the first run.
     *
     * @param initialDelay until the first run; zero or negative means the next round
     * @param period       between the points of the grid; positive
     * @param callback     what to run
     * @return the handle that cancels the timer
     * @throws IllegalArgumentException   if the period is zero or negative
     * @throws RejectedExecutionException if the loop is closed
     */
    public TimerHandle scheduleAtFixedRate(Duration initialDelay, Duration period, Runnable callback) {
        return scheduleRepeating(initialDelay, RepeatingTimer.atFixedRate(saturatedNanos(period)), callback);
    }

    /**
     * Runs a callback on the loop thread again and again with a fixed pause between runs: first after
     * {@code initialDelay}, then each time {@code delay} after the previous run's callback returned
     * ({@link java.util.concurrent.ScheduledExecutorService}'s name and meaning). A slow callback or loop
     * shifts the later runs; they never come closer together than {@code delay}. Errors, cancelling and
     * cost as {@link #scheduleAtFixedRate}.
     *
     * @param initialDelay until the first run; zero or negative means the next round
     * @param delay        from the end of one run to the start of the next; positive
     * @param callback     what to run
     * @return the handle that cancels the timer
     * @throws IllegalArgumentException   if the delay is zero or negative
     * @throws RejectedExecutionException if the loop is closed
     */
    public TimerHandle scheduleWithFixedDelay(Duration initialDelay, Duration delay, Runnable callback) {
        return scheduleRepeating(initialDelay, RepeatingTimer.withFixedDelay(saturatedNanos(delay)), callback);
    }

    private TimerHandle scheduleRepeating(Duration initialDelay, RepeatingTimer repeat, Runnable callback) {
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(callback, "callback");
        long first = initialDelay.isNegative() ? 0 : saturatedNanos(initialDelay);
        return scheduler.schedule(first, callback, this, repeat);
    }

    /**
     * Returns the loop's clock, in nanoseconds: {@link System#nanoTime()}, the base of every deadline
     * ({@link TimerHandle#deadlineNanos()}). Like asyncio's {@code loop.time()}, it only measures time
     * between two readings; it is not the time of day. Thread-safe.
     *
     * @return the loop's clock now, in nanoseconds
     */
    public long time() {
        return System.nanoTime();
    }

    private static long saturatedNanos(Duration d) {
        // Cap at ~146 years so that now + delay cannot overflow.
        if (d.getSeconds() < -(1L << 32)) {
            return -(1L << 32) * 1_000_000_000L;
        }
        return d.getSeconds() >= (1L << 32) ? (1L << 32) * 1_000_000_000L : d.toNanos();
    }

    /**
     * Returns how many timers are waiting: scheduled, and neither fired nor cancelled (a repeating timer
     * counts until it is cancelled). A cancelled timer
     * stops counting at once, also when it was cancelled from another thread or while the loop is not
     * running; after {@link #close()} it is 0.
     *
     * @return the count
     */
    public int pendingTimers() {
        return scheduler.pendingTimers();
    }

    Scheduler scheduler() {
        return scheduler;
    }

    // ---- readers and writers -----------------------------------------------------------------

    /**
     * Calls {@code callback} on the loop thread whenever fd is readable (asyncio's {@code add_reader}),
     * replacing any reader it had. The fd stays the caller's: close it only after removing it. A reader
     * that does not read (or otherwise clear) what made the fd readable is called again at once, every
     * round: that is the caller's own busy loop, which {@link #removeReader} ends.
     *
     * <p>Like every reader and writer method, this one refuses calls from another thread while the loop
     * runs ({@link IllegalStateException}) rather than handing them over: the caller learns at once
     * whether the registration worked. From another thread, call it inside {@link #execute(Runnable)}.
     *
     * @param fd       an open descriptor, ideally non-blocking
     * @param callback what to run
     * @throws IOException              if the selector refuses the fd (EBADF for a closed one, ...)
     * @throws IllegalArgumentException if fd is negative, or belongs to a transport, server or connect of this loop
     * @throws IllegalStateException    if called from another thread while the loop runs, or after close
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
     * Threads and errors as {@link #addReader(int, Runnable)}.
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

    private boolean setHandler(int fd, Selectable file, boolean reader, Runnable callback) throws IOException {
        scheduler.checkLoopThread();
        return io.setUserHandler(fd, file, reader, callback);
    }

    /** The I/O part, for the loop's own transports, servers and connects. */
    LoopIo io() {
        return io;
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
     * @throws IllegalArgumentException   for an unresolved {@code InetSocketAddress} (this method binds at
     *                                    once and does not resolve: use
     *                                    {@link #createServer(String, int, Supplier, ServerOptions)}), or a
     *                                    Unix path too long
     * @throws RejectedExecutionException if the loop is closed
     */
    public Server createServer(SocketAddress address, Supplier<? extends Protocol> factory, ServerOptions options)
            throws IOException {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(options, "options");
        return createServer(address, loop -> factory.get(), options, List.of(this));
    }

    /**
     * Listens on one socket and spreads the connections over several loops in turn (round-robin): this
     * loop accepts, and hands each connection to the loop whose turn it is ({@link #adopt}), which makes
     * its protocol and serves it. This loop may be one of them. One listening socket for all: a second
     * server on the same port is refused (EADDRINUSE) unless the options ask for {@code SO_REUSEPORT}.
     *
     * @param address an {@link java.net.InetSocketAddress} (port 0 for any free port) or a
     *                {@link java.net.UnixDomainSocketAddress}
     * @param factory makes one protocol per connection, on the serving loop's thread, given that loop;
     *                what it throws is reported (to the serving loop's handler) and that connection closed
     * @param options listen and accept options
     * @param loops   the loops that serve, at least one; a loop that is closed closes what it is handed
     * @return the server, which belongs to this loop (close it here, or it closes with this loop)
     * @throws IOException                if the bind fails (EADDRINUSE, EACCES, ...)
     * @throws IllegalArgumentException   if loops is empty
     * @throws RejectedExecutionException if this loop is closed
     */
    public Server createServer(SocketAddress address, Function<? super EventLoop, ? extends Protocol> factory,
            ServerOptions options, List<EventLoop> loops) throws IOException {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(options, "options");
        EventLoop[] servers = loops.toArray(new EventLoop[0]);
        if (servers.length == 0) {
            throw new IllegalArgumentException("a server needs at least one loop to serve its connections");
        }
        for (EventLoop l : servers) {
            Objects.requireNonNull(l, "loop");
        }
        if (isClosed()) {
            throw new RejectedExecutionException("the event loop is closed; no server was created");
        }
        return Server.start(this, address, factory, options, servers);
    }

    /**
     * Serves a connected socket on this loop: on the loop thread, makes its protocol with
     * {@code factory} and starts a transport (connectionMade, then reading), as a server does for what it
     * accepts. Thread-safe: this is how a loop that accepts hands connections to others. The socket is the
     * loop's from this call on: if the loop is closed, or closes before the hand-over runs, the socket is
     * closed and the factory never called; what the factory throws goes to this loop's exception handler
     * and the socket is closed.
     *
     * @param socket  a connected socket (from {@link io.jselectors.net.ListeningSocket#accept()} or a
     *                finished {@link StreamSocket#connect}), non-blocking
     * @param factory makes the connection's protocol, on the loop thread
     */
    public void adopt(StreamSocket socket, Supplier<? extends Protocol> factory) {
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(factory, "factory");
        adopt(socket, loop -> factory.get(), "adopt");
    }

    void adopt(StreamSocket socket, Function<? super EventLoop, ? extends Protocol> factory, Object source) {
        if (inLoopThread()) {
            StreamTransport.serve(this, socket, factory, source);
        } else {
            scheduler.handOver(new StartTask(() -> StreamTransport.serve(this, socket, factory, source),
                    () -> StreamTransport.closeQuietly(socket)));
        }
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
     * {@code connectionMade} runs, then the future completes, both on the loop thread (its dependent
     * stages run there, right after {@code connectionMade}). It completes with the transport even when
     * {@code connectionMade} threw: that transport is already ending, and its {@link Transport#closed()}
     * fails with what was thrown. The socket gets {@link ConnectOptions#DEFAULTS}' options (TCP_NODELAY
     * on) before it connects.
     *
     * <p>Completing the future (from any thread: cancel, {@code orTimeout}, ...) before the connection is
     * up abandons the connect and closes its socket at once; if it is cancelled, or completed by anyone
     * else, while {@code connectionMade} runs, the new transport is aborted: a connection never outlives
     * a future that nobody waits for any more.
     *
     * @param address  an {@link java.net.InetSocketAddress} or a {@link java.net.UnixDomainSocketAddress}; an
     *                 unresolved {@code InetSocketAddress} (from {@link java.net.InetSocketAddress#createUnresolved})
     *                 is resolved off the loop thread first, as {@link #connect(String, int, Protocol, ConnectOptions)} does
     * @param protocol the protocol of the new connection
     * @param timeout  how long the whole connect may take, or null to wait as long as the OS does
     * @return the transport, or a failure: an {@link io.jselectors.ErrnoException} (ECONNREFUSED,
     *         ENOENT for a missing Unix socket, ...), a {@link java.net.SocketTimeoutException}, a
     *         {@link java.net.UnknownHostException} for an unresolved address whose name does not resolve,
     *         an {@link IllegalArgumentException} for an address type that is not supported or a Unix path
     *         too long, or an {@link IOException} if the loop closed first
     * @throws IllegalArgumentException if the timeout is zero or negative
     */
    public CompletableFuture<Transport> connect(SocketAddress address, Protocol protocol, Duration timeout) {
        return connect(address, protocol, ConnectOptions.DEFAULTS.withTimeout(timeout));
    }

    /**
     * Like {@link #connect(SocketAddress, Protocol, Duration)} with the default timeout,
     * {@link ConnectOptions#DEFAULT_TIMEOUT} (30 s).
     *
     * @param address  the address
     * @param protocol the protocol of the new connection
     * @return the transport, or a failure
     */
    public CompletableFuture<Transport> connect(SocketAddress address, Protocol protocol) {
        return connect(address, protocol, ConnectOptions.DEFAULTS);
    }

    /**
     * Like {@link #connect(SocketAddress, Protocol, Duration)} with a timeout and socket options of your
     * choice, e.g. {@code ConnectOptions.DEFAULTS.withSocketOptions(SocketOptions.NONE.withKeepAlive(true))}.
     *
     * @param address  the address
     * @param protocol the protocol of the new connection
     * @param options  the timeout and the options set on the socket before it connects
     * @return the transport, or a failure (as for the other connects; an
     *         {@link UnsupportedOperationException} for a keep-alive timing option the platform lacks)
     */
    public CompletableFuture<Transport> connect(SocketAddress address, Protocol protocol, ConnectOptions options) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(options, "options");
        return Connector.connect(this, address, protocol, options);
    }

    /**
     * Connects to a host by name, with {@link ConnectOptions#DEFAULTS} (a 30 s timeout, TCP_NODELAY on).
     * Thread-safe. See {@link #connect(String, int, Protocol, ConnectOptions)}.
     *
     * @param host     a host name or a literal IPv4 or IPv6 address
     * @param port     the port
     * @param protocol the protocol of the new connection
     * @return the transport, or a failure
     */
    public CompletableFuture<Transport> connect(String host, int port, Protocol protocol) {
        return connect(host, port, protocol, ConnectOptions.DEFAULTS);
    }

    /**
     * Connects to a host by name with a timeout; otherwise {@link ConnectOptions#DEFAULTS}. Thread-safe.
     *
     * @param host     a host name or a literal IPv4 or IPv6 address
     * @param port     the port
     * @param protocol the protocol of the new connection
     * @param timeout  how long the whole connect may take, resolution included; null for the OS's limits only
     * @return the transport, or a failure
     * @throws IllegalArgumentException if the timeout is zero or negative
     */
    public CompletableFuture<Transport> connect(String host, int port, Protocol protocol, Duration timeout) {
        return connect(host, port, protocol, ConnectOptions.DEFAULTS.withTimeout(timeout));
    }

    /**
     * Connects to a host by name: asyncio's {@code create_connection(host, port)}. Thread-safe. The name
     * is resolved off the loop thread (the JDK's resolver on a small shared pool of daemon threads; a
     * literal address needs none), then each address is tried in the resolver's order, one at a time,
     * until one connects (no "happy eyeballs": an address that never answers holds the next back until
     * the timeout). When the connection is up, {@code connectionMade} runs, then the future completes,
     * both on the loop thread.
     *
     * @param host     a host name ({@code "localhost"}, {@code "example.com"}) or a literal IPv4 or IPv6
     *                 address ({@code "::1"}, without brackets)
     * @param port     the port, 0 to 65535
     * @param protocol the protocol of the new connection
     * @param options  the timeout (for the whole connect, resolution included) and the socket options
     * @return the transport, or a failure: the resolver's {@link java.net.UnknownHostException} naming the
     *         host; for one address, its own error (an {@link io.jselectors.ErrnoException} such as
     *         ECONNREFUSED); when several addresses all failed, a {@link java.net.ConnectException} naming
     *         each address and its error, with each error as a suppressed exception; a
     *         {@link java.net.SocketTimeoutException} naming the addresses tried; an {@link IOException}
     *         if the loop closed first. Cancelling the future (also during resolution) abandons the
     *         connect and closes its socket at once.
     * @throws IllegalArgumentException if the port is out of range
     */
    public CompletableFuture<Transport> connect(String host, int port, Protocol protocol, ConnectOptions options) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(options, "options");
        checkPort(port);
        return Connector.connect(this, host, port, protocol, options, NameResolver.SYSTEM);
    }

    /**
     * Listens on a host's address, resolved off the loop thread, with {@link ServerOptions#DEFAULTS}. See
     * {@link #createServer(String, int, Supplier, ServerOptions)}.
     *
     * @param host    a host name or a literal address ({@code "0.0.0.0"} or {@code "::"} for every interface)
     * @param port    the port, 0 for any free one
     * @param factory one protocol per connection
     * @return the server, or a failure
     */
    public CompletableFuture<Server> createServer(String host, int port, Supplier<? extends Protocol> factory) {
        return createServer(host, port, factory, ServerOptions.DEFAULTS);
    }

    /**
     * Listens on a host's address: asyncio's {@code create_server(host, port)}, with one difference:
     * asyncio binds every address the name resolves to, this binds <b>one</b>, the first in the
     * resolver's order that binds (the others' errors are named only if none does). A name with an IPv4
     * and an IPv6 address (often {@code "localhost"}) so listens on one of them: listen on each with a
     * server of its own, or on {@code "::"} (which on Linux also takes IPv4). Port 0 picks a free port.
     * Thread-safe. The name is resolved off the loop thread (a literal address needs none); the bind
     * happens on the loop thread, so the future completes once the loop runs.
     *
     * @param host    a host name or a literal address ({@code "0.0.0.0"} or {@code "::"} for every interface)
     * @param port    the port, 0 for any free one
     * @param factory makes one protocol per accepted connection, on the loop thread
     * @param options listen, accept and per-connection options
     * @return the server; or the resolver's {@link java.net.UnknownHostException} naming the host; the bind's
     *         error (EADDRINUSE, ...), or with several addresses an {@link IOException} naming each and its
     *         error (suppressed exceptions); an {@link IOException} if the loop closed first. Cancelling the
     *         future before the bind binds nothing.
     * @throws IllegalArgumentException if the port is out of range
     */
    public CompletableFuture<Server> createServer(String host, int port, Supplier<? extends Protocol> factory,
            ServerOptions options) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(options, "options");
        checkPort(port);
        return ServerBinder.bind(this, host, port, loop -> factory.get(), options, NameResolver.SYSTEM);
    }

    private static void checkPort(int port) {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port out of range 0 to 65535: " + port);
        }
    }

    // ---- signals -------------------------------------------------------------------------------

    /**
     * Runs {@code callback} on the loop thread whenever the process receives {@code signal} (asyncio's
     * {@code add_signal_handler}), replacing this loop's earlier callback for it. The signal's action is the
     * process's: while the handler is installed the signal no longer does what it did before (for
     * {@code INT}, {@code TERM} and {@code HUP}: the JVM's exit with shutdown hooks), until
     * {@link #removeSignalHandler} or {@link #close()} restores it. Signals that arrive close together may
     * come as one call. Loop thread (or any one thread while the loop does not run).
     *
     * @param signal   one of {@code HUP INT TERM USR1 ALRM CHLD CONT TSTP TTIN TTOU URG WINCH IO}, with or
     *                 without {@code SIG}
     * @param callback what to run; what it throws goes to the exception handler
     * @throws IllegalArgumentException for a signal the JVM needs ({@code SEGV BUS FPE ILL TRAP QUIT PIPE XFSZ
     *                                  USR2}), one that cannot be caught, an unknown name, or one the JVM
     *                                  refuses (HUP, INT, TERM under {@code -Xrs}); the message lists the allowed
     * @throws IllegalStateException    if another loop handles this signal (one handler per process), if called
     *                                  from another thread while the loop runs, or after close
     */
    public void addSignalHandler(String signal, Runnable callback) {
        scheduler.checkLoopThread();
        SignalHandlers.add(this, signal, callback);
    }

    /**
     * Removes this loop's handler for a signal and gives the signal back its earlier action.
     *
     * @param signal the signal's name
     * @return true if this loop had a handler for it
     * @throws IllegalArgumentException for a name {@link #addSignalHandler} refuses
     * @throws IllegalStateException    if called from another thread while the loop runs, or after close
     */
    public boolean removeSignalHandler(String signal) {
        scheduler.checkLoopThread();
        return SignalHandlers.remove(this, signal);
    }

    // ---- subprocesses --------------------------------------------------------------------------

    /**
     * Starts a program with its standard descriptors connected as {@code options} say (asyncio's
     * {@code subprocess_exec}): piped ones are served by this loop ({@link Subprocess#stdin()}, and
     * {@link SubprocessProtocol#pipeDataReceived} for stdout and stderr), and its exit completes
     * {@link Subprocess#exited()}. The child is started with {@code posix_spawnp} (the program is searched on
     * {@code PATH} when it has no slash), gets an empty signal mask and no descriptor of this process beyond
     * 0-2, and is reaped by the loop when it exits. Loop thread (or any one thread while the loop does not run).
     *
     * @param argv     the program and its arguments, e.g. {@code List.of("grep", "-c", "x")}
     * @param protocol your code for the process
     * @param options  the child's descriptors, environment and directory
     * @return the running process
     * @throws io.jselectors.ErrnoException  if it cannot start, naming the program: ENOENT (not found), EACCES
     *                                       (not executable), ENOENT naming the directory, EMFILE, ...
     * @throws IllegalArgumentException      for an empty argv or a NUL in an argument
     * @throws UnsupportedOperationException where posix_spawn is not tabled (not Linux, so far)
     * @throws IllegalStateException         if called from another thread while the loop runs, or after close
     * @throws IOException                   if a pipe cannot be made
     */
    public Subprocess subprocessExec(List<String> argv, SubprocessProtocol protocol, SubprocessOptions options)
            throws IOException {
        Objects.requireNonNull(argv, "argv");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(options, "options");
        scheduler.checkLoopThread();
        return SubprocessLauncher.start(this, argv, protocol, options);
    }

    /**
     * Like {@link #subprocessExec(List, SubprocessProtocol, SubprocessOptions)} with
     * {@link SubprocessOptions#DEFAULTS} (all three descriptors piped).
     *
     * @param argv     the program and its arguments
     * @param protocol your code for the process
     * @return the running process
     * @throws IOException if it cannot start (see the other overload)
     */
    public Subprocess subprocessExec(List<String> argv, SubprocessProtocol protocol) throws IOException {
        return subprocessExec(argv, protocol, SubprocessOptions.DEFAULTS);
    }

    // ---- datagrams -----------------------------------------------------------------------------

    /**
     * Opens a UDP endpoint (asyncio's {@code create_datagram_endpoint}): binds to {@code local}, connects to
     * {@code remote} when given, makes the protocol, calls its {@code connectionMade} and starts receiving,
     * all before returning. Loop thread only (or while the loop does not run). See {@link DatagramTransport}
     * and the "UDP" section of {@code docs/loop.md}.
     *
     * @param local   the address to bind (port 0 for any free port), or null to let the system pick one
     *                of {@code remote}'s family
     * @param remote  the peer to connect to, or null for an endpoint that sends to and receives from anyone
     * @param factory makes the protocol, on this thread; what it throws is thrown here (the socket is closed)
     * @param options the maximum datagram size, send queue limit and broadcast
     * @return the endpoint
     * @throws IOException                if the socket cannot be bound or connected (EADDRINUSE, ...)
     * @throws IllegalArgumentException   if both addresses are null, or one is not a resolved
     *                                    {@link java.net.InetSocketAddress}
     * @throws IllegalStateException      if called from another thread while the loop runs
     * @throws RejectedExecutionException if the loop is closed
     */
    public DatagramTransport createDatagramEndpoint(SocketAddress local, SocketAddress remote,
            Supplier<? extends DatagramProtocol> factory, DatagramOptions options) throws IOException {
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(options, "options");
        checkOpenOnLoopThread();
        return DatagramEndpoint.start(this, DatagramSockets.open(local, remote, options), factory, options);
    }

    /**
     * Like {@link #createDatagramEndpoint(SocketAddress, SocketAddress, Supplier, DatagramOptions)} with
     * {@link DatagramOptions#DEFAULTS}.
     *
     * @param local   the address to bind, or null
     * @param remote  the peer to connect to, or null
     * @param factory makes the protocol
     * @return the endpoint
     * @throws IOException if the socket cannot be bound or connected
     */
    public DatagramTransport createDatagramEndpoint(SocketAddress local, SocketAddress remote,
            Supplier<? extends DatagramProtocol> factory) throws IOException {
        return createDatagramEndpoint(local, remote, factory, DatagramOptions.DEFAULTS);
    }

    /**
     * Serves a datagram socket you opened (asyncio's {@code sock=} argument), e.g. an end of
     * {@link DatagramSocket#pair()}: the loop owns it from this call on and closes it with the endpoint.
     * As {@link #createDatagramEndpoint(SocketAddress, SocketAddress, Supplier, DatagramOptions)} otherwise
     * ({@code options.broadcast()} is applied here too).
     *
     * @param socket  an open datagram socket
     * @param factory makes the protocol
     * @param options the maximum datagram size, send queue limit and broadcast
     * @return the endpoint
     * @throws IOException if setting broadcast fails (the socket is closed)
     */
    public DatagramTransport createDatagramEndpoint(DatagramSocket socket,
            Supplier<? extends DatagramProtocol> factory, DatagramOptions options) throws IOException {
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(options, "options");
        try {
            checkOpenOnLoopThread();
            DatagramSockets.applyOptions(socket, options);
        } catch (IOException | RuntimeException e) {
            DatagramEndpoint.closeQuietly(socket);
            throw e;
        }
        return DatagramEndpoint.start(this, socket, factory, options);
    }

    private void checkOpenOnLoopThread() {
        if (isClosed()) {
            throw new RejectedExecutionException("the event loop is closed; no endpoint was created");
        }
        scheduler.checkLoopThread();
    }

    // ---- for transports ------------------------------------------------------------------------

    SliceCache readBuffer() {
        return memory.readBuffer;
    }

    BufferPool pool() {
        return memory.pool;
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
        return memory.pool.pooledBytes();
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
        scheduler.close(closer);
    }

    /** The close itself, once the loop is not running: resources, then queued work, selector, memory. */
    private void closeResources() {
        for (LoopResource r : new ArrayList<>(resources)) {
            try {
                r.loopClosed();
            } catch (Throwable t) {
                errors.report("closing", r, t);
            }
        }
        resources.clear();
        scheduler.dropPending();
        io.close();
        memory.close();
    }

    /** @return the exception protocols receive when the loop closes under them */
    static IOException loopClosedException() {
        return new IOException("the event loop was closed");
    }

    @Override
    public String toString() {
        return "EventLoop[" + backend() + (isClosed() ? ", closed" : isRunning() ? ", running" : "") + "]";
    }
}
