package io.jselectors.loop;

import io.jselectors.Selectable;
import io.jselectors.Selector;
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
 * {@link #stop()}, {@link #close()}, {@link #connect}, {@link #adopt}, {@link #inLoopThread()},
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
     * fails with what was thrown.
     *
     * <p>Cancelling the future (from any thread) before the connection is up abandons the connect and
     * closes its socket at once; if it is cancelled, or completed by anyone else, while
     * {@code connectionMade} runs, the new transport is aborted: a connection never outlives a future
     * that nobody waits for any more.
     *
     * @param address  an {@link java.net.InetSocketAddress} or a {@link java.net.UnixDomainSocketAddress}
     * @param protocol the protocol of the new connection
     * @param timeout  how long to wait for the connection, or null to wait as long as the OS does
     * @return the transport, or a failure: an {@link io.jselectors.ErrnoException} (ECONNREFUSED,
     *         ENOENT for a missing Unix socket, ...), a {@link java.net.SocketTimeoutException}, or an
     *         {@link IOException} if the loop closed first
     */
    public CompletableFuture<Transport> connect(SocketAddress address, Protocol protocol, Duration timeout) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(protocol, "protocol");
        return Connector.connect(this, address, protocol, timeout);
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
