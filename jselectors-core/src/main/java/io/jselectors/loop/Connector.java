package io.jselectors.loop;

import io.jselectors.net.StreamSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One outgoing connect in progress: the name's resolution (on {@link NameResolver}'s threads), then a
 * non-blocking connect to each address in the resolver's order until one succeeds, all under one
 * timeout. On success it hands the socket to a {@link StreamTransport}; when every address failed, or
 * on timeout or loop close, it closes the socket and fails the future. When the caller completes the
 * future first (cancel, {@code orTimeout}, ...), it abandons the connect and closes the socket at once
 * (on the loop thread); during resolution there is no socket yet, and the resolution's result is dropped.
 * Loop thread only, except {@link #connect}.
 */
final class Connector implements LoopResource {
    private final EventLoop loop;
    /** For messages: "example.com:80", or the address. */
    private final String target;
    private final String host;
    private final int port;
    private final NameResolver.Lookup lookup;
    private final Protocol protocol;
    private final ConnectOptions options;
    private final CompletableFuture<Transport> result;
    private final AddressAttempts attempts = new AddressAttempts();
    private List<? extends SocketAddress> addresses;
    private int next;
    private SocketAddress current;
    private StreamSocket socket;
    private FdHandlers handlers;
    private TimerHandle timer;
    private boolean done;

    private Connector(EventLoop loop, String target, String host, int port, List<? extends SocketAddress> addresses,
            NameResolver.Lookup lookup, Protocol protocol, ConnectOptions options, CompletableFuture<Transport> result) {
        this.loop = loop;
        this.target = target;
        this.host = host;
        this.port = port;
        this.addresses = addresses;
        this.lookup = lookup;
        this.protocol = protocol;
        this.options = options;
        this.result = result;
    }

    /** Connects to an address; an unresolved {@link InetSocketAddress} is resolved first. */
    static CompletableFuture<Transport> connect(EventLoop loop, SocketAddress address, Protocol protocol,
            ConnectOptions options) {
        if (address instanceof InetSocketAddress inet && inet.isUnresolved()) {
            return connect(loop, inet.getHostString(), inet.getPort(), protocol, options, NameResolver.SYSTEM);
        }
        return start(new Connector(loop, String.valueOf(address), null, 0, List.of(address), null, protocol, options,
                new CompletableFuture<>()));
    }

    /** Resolves host (unless it is a literal address) and connects to its addresses in turn. */
    static CompletableFuture<Transport> connect(EventLoop loop, String host, int port, Protocol protocol,
            ConnectOptions options, NameResolver.Lookup lookup) {
        String target = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        var literal = NameResolver.literal(host);
        List<InetSocketAddress> known = literal == null ? null : List.of(new InetSocketAddress(literal, port));
        return start(new Connector(loop, target, host, port, known, lookup, protocol, options, new CompletableFuture<>()));
    }

    private static CompletableFuture<Transport> start(Connector c) {
        if (c.loop.isClosed()) {
            c.result.completeExceptionally(EventLoop.loopClosedException());
        } else {
            c.loop.scheduler().onLoop(new StartTask(c::begin, c::loopClosed));
        }
        return c.result;
    }

    private void begin() {
        if (result.isDone()) {
            return; // completed by the caller before it started
        }
        loop.track(this);
        if (options.timeout() != null) {
            timer = loop.schedule(options.timeout(), this::onTimeout);
        }
        // Completing the future, from any thread (cancel, orTimeout, complete), abandons the connect at
        // once: the socket is closed now, not when the kernel gives up or the timeout fires.
        result.whenComplete((t, e) -> loop.scheduler().onLoop(this::onAbandoned));
        if (addresses != null) {
            tryNext();
            return;
        }
        NameResolver.resolve(host, port, lookup).whenComplete((found, error) ->
                // Back to the loop thread, queued even while the loop is not running (a resolver thread
                // never touches loop state); a loop closed meanwhile has failed the connect already.
                loop.scheduler().handOver(new StartTask(() -> onResolved(found, error), () -> {})));
    }

    private void onResolved(List<InetSocketAddress> found, Throwable error) {
        if (done) {
            return; // abandoned, timed out or the loop closed: no socket was opened
        }
        if (error != null) {
            fail(error);
            return;
        }
        addresses = found;
        tryNext();
    }

    /** Starts a connect to the next address; one that fails at once is recorded and the next tried. */
    private void tryNext() {
        while (next < addresses.size()) {
            current = addresses.get(next++);
            try {
                socket = StreamSocket.connect(current, options.socket());
            } catch (IOException | RuntimeException e) {
                socket = null;
                attempts.failed(current, e);
                continue;
            }
            handlers = new FdHandlers(socket, true);
            handlers.writer = this::onWritable;
            try {
                loop.io().update(handlers);
            } catch (IOException | RuntimeException e) {
                fail(e);
            }
            return;
        }
        fail(attempts.allFailed("connect to", target, true));
    }

    private void onAbandoned() {
        if (!done) {
            fail(null);
        }
    }

    private void onWritable() {
        if (done) {
            return;
        }
        if (result.isDone()) {
            fail(null); // completed by the caller
            return;
        }
        boolean connected;
        try {
            connected = socket.finishConnect();
        } catch (IOException | RuntimeException e) {
            attempts.failed(current, e);
            releaseSocket();
            tryNext();
            return;
        }
        if (!connected) {
            return;
        }
        done = true;
        finish();
        handlers.writer = null;
        try {
            loop.io().update(handlers);
        } catch (IOException | RuntimeException e) {
            closeSocket();
            result.completeExceptionally(e);
            return;
        }
        StreamTransport t = new StreamTransport(loop, socket, protocol);
        t.start();
        if (!result.complete(t)) {
            // Cancelled (or completed by hand) while connectionMade ran: nobody asked for the
            // connection any more, so it does not outlive its future (asyncio closes it too).
            t.abort();
        }
    }

    private void onTimeout() {
        timer = null;
        if (!done) {
            fail(new SocketTimeoutException("connect to " + target + " timed out after " + options.timeout().toMillis()
                    + " ms" + (current == null ? " (resolving the name)" : "") + attempts.tried()));
        }
    }

    private void fail(Throwable cause) {
        done = true;
        finish();
        releaseSocket();
        if (cause != null) {
            result.completeExceptionally(cause);
        }
    }

    private void finish() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        loop.untrack(this);
    }

    /** Unregisters and closes the current socket, if any. */
    private void releaseSocket() {
        if (handlers != null) {
            loop.io().forget(handlers);
            handlers = null;
        }
        closeSocket();
        socket = null;
    }

    private void closeSocket() {
        if (socket == null) {
            return;
        }
        try {
            socket.close();
        } catch (IOException e) {
            // released anyway
        }
    }

    @Override
    public void loopClosed() {
        if (!done) {
            done = true;
            releaseSocket();
            result.completeExceptionally(EventLoop.loopClosedException());
        }
    }
}
