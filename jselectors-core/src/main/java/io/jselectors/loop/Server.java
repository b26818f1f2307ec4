package io.jselectors.loop;

import io.jselectors.ErrnoException;
import io.jselectors.internal.os.Errno;
import io.jselectors.net.ListeningSocket;
import io.jselectors.net.StreamSocket;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A listening socket on an {@link EventLoop} that makes a {@link Protocol} per accepted connection:
 * asyncio's {@code Server}. Made by {@link EventLoop#createServer}.
 *
 * <p>When the process or the system runs out of descriptors (EMFILE, ENFILE) or buffer memory, the
 * server stops accepting for {@link ServerOptions#acceptRetryDelay()} and then tries again: the loop
 * does not spin, the listening socket stays open, and the waiting connections stay in its backlog.
 * Any other accept error is reported to the loop's exception handler and paused on the same way.
 */
public final class Server implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.jselectors.loop");

    private final EventLoop loop;
    private final ListeningSocket listener;
    private final Function<? super EventLoop, ? extends Protocol> factory;
    /** The loops that serve the connections, in turn; often just {@link #loop}. */
    private final EventLoop[] servers;
    private int nextServer;
    private final ServerOptions options;
    private final SocketAddress localAddress;
    private final FdHandlers handlers;
    private final Runnable onAcceptable = this::acceptSome;
    private final Runnable resume = this::resumeAccepting;
    private final LoopResource resource = this::loopClosed;
    private final EndFuture closedFuture = new EndFuture("server");
    /** Out of descriptors since the last successful accept: retries log at DEBUG only. */
    private boolean starved;
    private boolean closed;
    private TimerHandle retry;
    private long accepted;
    private long acceptPauses;

    private Server(EventLoop loop, ListeningSocket listener, Function<? super EventLoop, ? extends Protocol> factory,
            ServerOptions options, EventLoop[] servers) throws IOException {
        this.loop = loop;
        this.servers = servers;
        this.listener = listener;
        this.factory = factory;
        this.options = options;
        this.localAddress = listener.localAddress();
        this.handlers = new FdHandlers(listener, true);
    }

    /** Binds now (so errors are thrown here), and starts accepting on the loop thread. */
    static Server start(EventLoop loop, SocketAddress address, Function<? super EventLoop, ? extends Protocol> factory,
            ServerOptions options, EventLoop[] servers) throws IOException {
        ListeningSocket ls = ListeningSocket.bind(address, options.listen());
        Server s;
        try {
            s = new Server(loop, ls, factory, options, servers);
        } catch (IOException | RuntimeException e) {
            ls.close();
            throw e;
        }
        loop.scheduler().onLoop(new StartTask(s::begin, s::loopClosed));
        return s;
    }

    private void begin() {
        if (closed) {
            return;
        }
        if (loop.isClosed()) {
            loopClosed();
            return;
        }
        loop.track(resource);
        resumeAccepting();
    }

    private void acceptSome() {
        for (int i = 0; i < options.acceptsPerRound() && handlers.reader != null; i++) {
            StreamSocket s;
            try {
                s = listener.accept();
            } catch (ErrnoException e) {
                if (!isResourceShortage(e.errno())) {
                    loop.reportError("accept on", this, e);
                }
                pauseAccepting(e); // whatever the error, retrying at once would spin on a ready socket
                return;
            } catch (IOException | RuntimeException e) {
                loop.reportError("accept on", this, e);
                pauseAccepting(e);
                return;
            }
            starved = false;
            if (s == null) {
                return;
            }
            accepted++;
            serve(s);
        }
    }

    /** Serves on this loop, or hands the socket to the loop whose turn it is. */
    private void serve(StreamSocket s) {
        if (options.tcpNoDelay() && !s.isUnix()) {
            try {
                s.setTcpNoDelay(true);
            } catch (IOException e) {
                // a plain TCP option; the connection works without it
            }
        }
        EventLoop target = servers[nextServer];
        if (++nextServer == servers.length) {
            nextServer = 0;
        }
        if (target == loop) {
            StreamTransport.serve(loop, s, factory, this);
        } else {
            target.adopt(s, factory, this);
        }
    }

    private static boolean isResourceShortage(int errno) {
        return errno == Errno.EMFILE || errno == Errno.ENFILE || errno == Errno.ENOMEM || errno == Errno.ENOBUFS;
    }

    /** Stops accepting and schedules the retry first, then logs: nothing the logger throws can keep it accepting. */
    private void pauseAccepting(Exception e) {
        acceptPauses++;
        boolean wasStarved = starved;
        starved = true;
        stopAccepting();
        retry = loop.schedule(options.acceptRetryDelay(), resume);
        try {
            LOG.log(wasStarved ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING,
                    "server " + localAddress + ": " + e.getMessage() + "; accepting paused for "
                            + options.acceptRetryDelay().toMillis() + " ms at a time until a descriptor is free");
        } catch (Throwable logFailure) {
            // Out of descriptors, the logger itself may fail (a file handler, a class to load, a handler
            // that throws an Error): accepting is paused already; only a fatal VM error goes on up.
            if (logFailure instanceof VirtualMachineError vme && !(logFailure instanceof StackOverflowError)) {
                throw vme;
            }
        }
    }

    private void resumeAccepting() {
        retry = null;
        if (closed || handlers.reader != null) {
            return;
        }
        handlers.reader = onAcceptable;
        try {
            loop.io().update(handlers);
        } catch (IOException | RuntimeException e) {
            handlers.reader = null;
            loop.reportError("listening on", this, e);
        }
    }

    private void stopAccepting() {
        if (handlers.reader != null) {
            handlers.reader = null;
            try {
                loop.io().update(handlers);
            } catch (IOException | RuntimeException e) {
                loop.reportError("pausing", this, e);
            }
        }
    }

    /**
     * Returns the address the server listens on (with the port chosen when 0 was asked).
     *
     * @return the address the server listens on (with the port chosen when 0 was asked)
     */
    public SocketAddress localAddress() {
        return localAddress;
    }

    /**
     * Returns true until closed, also while accepting is paused for lack of descriptors.
     *
     * @return true until closed, also while accepting is paused for lack of descriptors
     */
    public boolean isServing() {
        return !closed;
    }

    /**
     * Returns how many connections were accepted so far.
     *
     * @return how many connections were accepted so far
     */
    public long acceptedCount() {
        return accepted;
    }

    /**
     * Returns how many times accepting paused for lack of descriptors or memory.
     *
     * @return how many times accepting paused for lack of descriptors or memory
     */
    public long acceptPauses() {
        return acceptPauses;
    }

    /**
     * Stops listening and closes the listening socket. Connections already accepted stay open.
     * Idempotent. Called from another thread while the loop runs, the close is handed to the loop and
     * happens soon (and at the latest when the loop closes).
     */
    @Override
    public void close() {
        loop.scheduler().onLoop(this::closeNow);
    }

    /**
     * Returns the future of this server's close (asyncio's {@code wait_closed}). Thread-safe; the same
     * future every call. It completes once the listening socket is closed, on the loop thread (or on the
     * thread that closes while the loop does not run):
     * <b>normally</b> (value {@code null}) after {@link #close()}, and <b>exceptionally</b> with an
     * {@link IOException} "the event loop was closed" when the loop closed it (as a transport's
     * {@link Transport#closed()} does). Connections accepted before stay open either way.
     *
     * <p>Dependent stages registered before it completes run where it completes. The future is the
     * loop's to complete: {@code complete}, {@code completeExceptionally}, {@code obtrude...},
     * {@code completeAsync}, {@code orTimeout} and {@code completeOnTimeout} throw
     * {@link UnsupportedOperationException}, and {@code cancel} returns false and does nothing.
     *
     * @return the future of the server's close
     */
    public CompletableFuture<Void> closed() {
        return closedFuture;
    }

    private void closeNow() {
        closeNow(null);
    }

    private void closeNow(Throwable cause) {
        if (closed) {
            return;
        }
        closed = true;
        if (retry != null) {
            retry.cancel();
            retry = null;
        }
        loop.io().forget(handlers);
        loop.untrack(resource);
        try {
            listener.close();
        } finally {
            closedFuture.end(cause);
        }
    }

    /** The loop is closing (or closed before accepting began): close the listening socket with it. */
    private void loopClosed() {
        closeNow(EventLoop.loopClosedException());
    }

    @Override
    public String toString() {
        return "Server[" + localAddress + (closed ? ", closed" : "") + "]";
    }
}
