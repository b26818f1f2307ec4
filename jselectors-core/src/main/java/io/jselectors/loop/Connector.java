package io.jselectors.loop;

import io.jselectors.net.StreamSocket;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One outgoing connect in progress: a non-blocking connect, its writability, and its timeout. On
 * success it hands the socket to a {@link StreamTransport}; on failure, timeout or loop close it closes
 * the socket and fails the future; when the caller cancels the future it closes the socket at once (on
 * the loop thread). Loop thread only.
 */
final class Connector implements LoopResource {
    private final EventLoop loop;
    private final SocketAddress address;
    private final Protocol protocol;
    private final Duration timeout;
    private final CompletableFuture<Transport> result;
    private StreamSocket socket;
    private FdHandlers handlers;
    private TimerHandle timer;
    private boolean done;

    private Connector(EventLoop loop, SocketAddress address, Protocol protocol, Duration timeout,
            CompletableFuture<Transport> result) {
        this.loop = loop;
        this.address = address;
        this.protocol = protocol;
        this.timeout = timeout;
        this.result = result;
    }

    static CompletableFuture<Transport> connect(EventLoop loop, SocketAddress address, Protocol protocol, Duration timeout) {
        CompletableFuture<Transport> f = new CompletableFuture<>();
        Connector c = new Connector(loop, address, protocol, timeout, f);
        if (loop.isClosed()) {
            f.completeExceptionally(EventLoop.loopClosedException());
        } else {
            loop.scheduler().onLoop(new StartTask(c::begin, c::loopClosed));
        }
        return f;
    }

    private void begin() {
        if (result.isDone()) {
            return; // cancelled before it started
        }
        try {
            socket = StreamSocket.connect(address);
        } catch (IOException | RuntimeException e) {
            done = true;
            result.completeExceptionally(e);
            return;
        }
        loop.track(this);
        handlers = new FdHandlers(socket, true);
        handlers.writer = this::onWritable;
        try {
            loop.io().update(handlers);
        } catch (IOException | RuntimeException e) {
            fail(e);
            return;
        }
        if (timeout != null) {
            timer = loop.schedule(timeout, this::onTimeout);
        }
        // Cancelling the future, from any thread, abandons the connect at once: the socket is closed
        // now, not when the kernel gives up or the timeout fires.
        result.whenComplete((t, e) -> {
            if (result.isCancelled()) {
                loop.scheduler().onLoop(this::onCancelled);
            }
        });
    }

    private void onCancelled() {
        if (!done) {
            fail(null);
        }
    }

    private void onWritable() {
        if (done) {
            return;
        }
        if (result.isDone()) {
            fail(null); // cancelled by the caller
            return;
        }
        boolean connected;
        try {
            connected = socket.finishConnect();
        } catch (IOException | RuntimeException e) {
            fail(e);
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
        if (!socket.isUnix()) {
            try {
                socket.setTcpNoDelay(true); // as on accepted connections: no Nagle delay for small writes
            } catch (IOException e) {
                // a plain TCP option; the connection works without it
            }
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
        if (!done) {
            fail(new SocketTimeoutException(
                    "connect to " + address + " timed out after " + timeout.toMillis() + " ms"));
        }
    }

    private void fail(Throwable cause) {
        done = true;
        finish();
        if (handlers != null) {
            loop.io().forget(handlers);
        }
        closeSocket();
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
            if (handlers != null) {
                loop.io().forget(handlers);
            }
            closeSocket();
            result.completeExceptionally(EventLoop.loopClosedException());
        }
    }
}
