package io.jselectors.loop;

import io.jselectors.ErrnoException;
import io.jselectors.loop.StreamTransport.State;
import io.jselectors.net.DatagramSocket;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The {@link DatagramTransport} of a {@link DatagramSocket}: asyncio's {@code _SelectorDatagramTransport}.
 * Datagrams are received into the loop's one read buffer (at most {@link #RECEIVES_PER_ROUND} per
 * readiness, so one busy endpoint cannot starve the others); what the socket cannot send at once waits
 * whole in a {@link DatagramQueue}. Its life is {@link StreamTransport}'s: {@code OPEN → CLOSING → LOST →
 * RELEASED} (closing waits for the queue; lost means {@code connectionLost} is queued and the socket is
 * out of the selector). Loop thread only.
 */
final class DatagramEndpoint implements DatagramTransport, LoopResource, Runnable {
    /** The most datagrams received per readiness of the socket. */
    static final int RECEIVES_PER_ROUND = 32;

    private final EventLoop loop;
    private final DatagramSocket socket;
    private final DatagramProtocol protocol;
    private final DatagramOptions options;
    private final DatagramQueue queue;
    private final FdHandlers handlers;
    private final Runnable onWritable = this::onWritable;

    private State state = State.OPEN;
    /** close() or abort(): sends are a programming error (after a failure alone they are dropped). */
    private boolean sendsRefused;
    private boolean protocolPaused;
    private long highWater = Transport.DEFAULT_HIGH_WATER;
    private long lowWater = Transport.DEFAULT_LOW_WATER;
    private SocketAddress local;

    private DatagramEndpoint(EventLoop loop, DatagramSocket socket, DatagramProtocol protocol,
            DatagramOptions options) {
        this.loop = loop;
        this.socket = socket;
        this.protocol = protocol;
        this.options = options;
        this.queue = new DatagramQueue(loop.pool());
        this.handlers = new FdHandlers(socket, true);
    }

    /**
     * Serves a socket: makes the protocol, tracks the endpoint, calls {@code connectionMade} and starts
     * receiving. If the factory throws, the socket is closed and the exception goes to the caller.
     */
    static DatagramEndpoint start(EventLoop loop, DatagramSocket socket,
            Supplier<? extends DatagramProtocol> factory, DatagramOptions options) {
        DatagramProtocol p;
        try {
            p = Objects.requireNonNull(factory.get(), "the datagram protocol factory returned null");
        } catch (RuntimeException | Error e) {
            closeQuietly(socket);
            throw e;
        }
        DatagramEndpoint e = new DatagramEndpoint(loop, socket, p, options);
        loop.track(e);
        try {
            p.connectionMade(e);
        } catch (Throwable t) {
            e.protocolFailed("connectionMade", t);
            return e;
        }
        if (e.state == State.OPEN) {
            e.handlers.reader = e;
            e.updateInterest();
        }
        return e;
    }

    static void closeQuietly(DatagramSocket s) {
        try {
            s.close();
        } catch (RuntimeException e) {
            // the descriptor is released anyway
        }
    }

    // ---- receiving -----------------------------------------------------------------------------

    /** The reader callback: datagrams wait. */
    @Override
    public void run() {
        SliceCache buf = loop.readBuffer();
        MemorySegment into = buf.prefix(options.maxDatagramSize());
        for (int i = 0; i < RECEIVES_PER_ROUND && handlers.reader != null; i++) {
            int n;
            try {
                n = socket.receive(into);
            } catch (ErrnoException e) {
                if (!deliverError(e)) {
                    return;
                }
                continue;
            } catch (IOException | RuntimeException e) {
                forceClose(e);
                return;
            }
            if (n == DatagramSocket.NO_DATAGRAM) {
                return;
            }
            try {
                protocol.datagramReceived(buf.prefix(n), socket.sender(), socket.truncated());
            } catch (Throwable t) {
                protocolFailed("datagramReceived", t);
                return;
            }
        }
    }

    /** @return false when the protocol threw (the endpoint is then ending) */
    private boolean deliverError(IOException e) {
        try {
            protocol.errorReceived(e);
            return true;
        } catch (Throwable t) {
            protocolFailed("errorReceived", t);
            return false;
        }
    }

    // ---- sending -------------------------------------------------------------------------------

    @Override
    public void sendTo(MemorySegment data, SocketAddress target) {
        checkThread();
        StreamTransport.checkUsable(Objects.requireNonNull(data, "data"));
        SocketAddress remote = socket.remoteAddress();
        if (remote != null) {
            if (target != null && !target.equals(remote)) {
                throw new IllegalArgumentException("this endpoint is connected to " + remote
                        + "; it cannot send to " + target + " (use an unconnected endpoint)");
            }
            target = null;
        } else {
            if (target == null) {
                throw new IllegalStateException("this endpoint is not connected: give the target address");
            }
            socket.checkTarget(target);
        }
        if (sendsRefused) {
            throw new IllegalStateException("cannot send: the endpoint is closing (close() or abort() was called)");
        }
        if (state != State.OPEN) {
            return; // failed; connectionLost is on its way
        }
        if (queue.isEmpty()) {
            try {
                if (target == null ? socket.send(data) : socket.sendTo(data, target)) {
                    return;
                }
            } catch (ErrnoException e) {
                deliverError(e);
                return;
            } catch (IOException e) {
                forceClose(e);
                return;
            }
        }
        long size = data.byteSize();
        if (queue.size() + size > options.maxQueuedBytes()) {
            throw new IllegalStateException("send queue full: " + queue.size() + " bytes wait, a datagram of " + size
                    + " would pass the limit of " + options.maxQueuedBytes() + " (DatagramOptions.maxQueuedBytes);"
                    + " stop sending on pauseWriting() until resumeWriting()");
        }
        queue.add(data, target);
        startWriting();
        checkHighWater();
    }

    @Override
    public void sendTo(byte[] data, SocketAddress target) {
        sendTo(MemorySegment.ofArray(Objects.requireNonNull(data, "data")), target);
    }

    @Override
    public void send(MemorySegment data) {
        if (socket.remoteAddress() == null) {
            checkThread();
            throw new IllegalStateException("this endpoint is not connected: use sendTo(data, address)");
        }
        sendTo(data, null);
    }

    @Override
    public void send(byte[] data) {
        send(MemorySegment.ofArray(Objects.requireNonNull(data, "data")));
    }

    private void onWritable() {
        while (!queue.isEmpty() && state.compareTo(State.LOST) < 0) {
            SocketAddress target = queue.headTarget();
            boolean sent;
            try {
                MemorySegment head = queue.headBytes();
                sent = target == null ? socket.send(head) : socket.sendTo(head, target);
            } catch (ErrnoException e) {
                queue.removeHead();
                if (!deliverError(e)) {
                    return;
                }
                continue;
            } catch (IOException | RuntimeException e) {
                forceClose(e);
                return;
            }
            if (!sent) {
                break;
            }
            queue.removeHead();
        }
        if (protocolPaused && queue.size() <= lowWater && state == State.OPEN) {
            protocolPaused = false;
            try {
                protocol.resumeWriting();
            } catch (Throwable t) {
                protocolFailed("resumeWriting", t);
                return;
            }
        }
        if (queue.isEmpty() && state.compareTo(State.LOST) < 0) {
            stopWriting();
            if (state == State.CLOSING) {
                connectionLostSoon(null);
            }
        }
    }

    private void startWriting() {
        if (handlers.writer == null) {
            handlers.writer = onWritable;
            updateInterest();
        }
    }

    private void stopWriting() {
        if (handlers.writer != null) {
            handlers.writer = null;
            updateInterest();
        }
    }

    private void checkHighWater() {
        if (!protocolPaused && queue.size() > highWater && state == State.OPEN) {
            protocolPaused = true;
            try {
                protocol.pauseWriting();
            } catch (Throwable t) {
                protocolFailed("pauseWriting", t);
            }
        }
    }

    @Override
    public void setWriteBufferLimits(long high, long low) {
        checkThread();
        if (low < 0 || high < low) {
            throw new IllegalArgumentException(
                    "write buffer limits need 0 <= low <= high; got high=" + high + ", low=" + low);
        }
        highWater = high;
        lowWater = low;
        checkHighWater();
    }

    @Override
    public long writeBufferSize() {
        return queue.size();
    }

    @Override
    public int queuedDatagrams() {
        return queue.count();
    }

    /** @return true while the send queue holds native memory; for tests */
    boolean holdsQueueMemory() {
        return queue.holdsMemory();
    }

    // ---- closing -------------------------------------------------------------------------------

    @Override
    public void close() {
        checkThread();
        sendsRefused = true;
        if (state != State.OPEN) {
            return;
        }
        state = State.CLOSING;
        handlers.reader = null;
        updateInterest();
        if (queue.isEmpty()) {
            connectionLostSoon(null);
        }
    }

    @Override
    public void abort() {
        checkThread();
        sendsRefused = true;
        forceClose(null);
    }

    private void protocolFailed(String method, Throwable t) {
        loop.reportError(method + " of", protocol, t);
        forceClose(t);
    }

    /** Any state before LOST to LOST, dropping the queue. */
    private void forceClose(Throwable cause) {
        if (state.compareTo(State.LOST) >= 0) {
            return;
        }
        queue.clear();
        connectionLostSoon(cause);
    }

    private void connectionLostSoon(Throwable cause) {
        if (state.compareTo(State.LOST) >= 0) {
            return;
        }
        state = State.LOST;
        handlers.reader = null;
        handlers.writer = null;
        updateInterest();
        loop.scheduler().handOver(() -> deliverConnectionLost(cause));
    }

    private void deliverConnectionLost(Throwable cause) {
        if (state == State.RELEASED) {
            return;
        }
        state = State.RELEASED;
        protocolPaused = false;
        try {
            protocol.connectionLost(cause);
        } catch (Throwable t) {
            loop.reportError("connectionLost of", protocol, t);
        } finally {
            queue.clear();
            loop.untrack(this);
            closeQuietly(socket);
        }
    }

    @Override
    public void loopClosed() {
        if (state.compareTo(State.LOST) < 0) {
            state = State.LOST;
            loop.io().forget(handlers);
        }
        deliverConnectionLost(EventLoop.loopClosedException());
    }

    private void updateInterest() {
        try {
            loop.io().update(handlers);
        } catch (IOException | RuntimeException e) {
            forceClose(e);
        }
    }

    @Override
    public boolean isClosing() {
        return state != State.OPEN;
    }

    /** @return where the endpoint is in its life; for tests */
    State state() {
        return state;
    }

    @Override
    public SocketAddress localAddress() {
        if (local == null && socket.isOpen()) {
            try {
                local = socket.localAddress();
            } catch (IOException e) {
                return null;
            }
        }
        return local;
    }

    @Override
    public SocketAddress remoteAddress() {
        return socket.isUnix() ? null : socket.remoteAddress();
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    private void checkThread() {
        if (!loop.inLoopThread() && loop.isRunning()) {
            throw new IllegalStateException("datagram transport called from thread " + Thread.currentThread().getName()
                    + " while its loop runs on another: hand the work to loop.execute(...)");
        }
    }

    @Override
    public String toString() {
        return "DatagramEndpoint[" + socket + ", " + state + "]";
    }
}
