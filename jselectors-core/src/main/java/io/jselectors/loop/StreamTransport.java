package io.jselectors.loop;

import io.jselectors.net.StreamSocket;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The {@link Transport} of a connected {@link StreamSocket} (TCP or Unix), asyncio's
 * {@code _SelectorSocketTransport}. Reads land in the loop's one read buffer; unsent bytes wait in a
 * {@link WriteBuffer} held only while they exist. Loop thread only.
 */
final class StreamTransport implements Transport, LoopResource, Runnable {
    private final EventLoop loop;
    private final StreamSocket socket;
    private final Protocol protocol;
    private final WriteBuffer pending;
    private final FdHandlers handlers;
    /** The writer callback; the reader is this transport itself ({@link #run()}), one call level less. */
    private final Runnable onWritable = this::onWritable;
    /** {@link #closed()}: completed as connectionLost returns, with its cause. */
    private final EndFuture closed = new EndFuture("connection");

    /** The connection's life, asyncio's {@code _closing}/{@code _conn_lost} as one value; it only moves forward. */
    enum State {
        /** Reading and writing. */
        OPEN,
        /** close() was called, or the last direction finished: no more reading; lost once the buffer is sent. */
        CLOSING,
        /** connectionLost is scheduled: out of the selector, nothing more is sent. */
        LOST,
        /** connectionLost was delivered and the socket closed. */
        RELEASED
    }

    /** The write direction, apart from the connection's state: shutdownOutput() waits for the buffer. */
    enum Output {
        OPEN,
        /** shutdownOutput() was called: the shutdown follows once the buffer is sent. */
        SHUTTING,
        SHUT
    }

    private State state = State.OPEN;
    private Output output = Output.OPEN;
    /** The user paused reading (orthogonal to the state: resumeReading() undoes it). */
    private boolean readingPaused;
    /** The peer's end of stream arrived: nothing more to read. */
    private boolean eofReceived;
    /** close(), abort(), or the end of both directions: writes are a programming error (after a fault alone they are dropped). */
    private boolean writesRefused;
    /** abort(): close with a reset, not a FIN. */
    private boolean reset;
    /** The protocol was told pauseWriting() and not yet resumeWriting(). */
    private boolean protocolPaused;
    private long highWater = DEFAULT_HIGH_WATER;
    private long lowWater = DEFAULT_LOW_WATER;
    private SocketAddress local;
    private SocketAddress remote;

    StreamTransport(EventLoop loop, StreamSocket socket, Protocol protocol) {
        this.loop = loop;
        this.socket = socket;
        this.handlers = new FdHandlers(socket, true);
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.pending = new WriteBuffer(loop.pool());
    }

    /**
     * Serves a connected socket on its loop's thread: makes the protocol, then the transport. What the
     * factory throws is reported and the socket closed.
     */
    static void serve(EventLoop loop, StreamSocket s, Function<? super EventLoop, ? extends Protocol> factory,
            Object source) {
        Protocol p;
        try {
            p = factory.apply(loop);
            if (p == null) {
                throw new NullPointerException("the protocol factory returned null");
            }
        } catch (Throwable t) {
            loop.reportError("protocol factory of", source, t);
            closeQuietly(s);
            return;
        }
        new StreamTransport(loop, s, p).start();
    }

    static void closeQuietly(StreamSocket s) {
        try {
            s.close();
        } catch (IOException e) {
            // the descriptor is released anyway
        }
    }

    /** Tracks this transport, tells the protocol, and starts reading. */
    void start() {
        loop.track(this);
        try {
            protocol.connectionMade(this);
        } catch (Throwable t) {
            protocolFailed("connectionMade", t);
            return;
        }
        if (state == State.OPEN && !readingPaused) {
            handlers.reader = this;
            updateInterest();
        }
    }

    // ---- reading -------------------------------------------------------------------------------

    /** The reader callback: the socket is readable. Loop thread only. */
    @Override
    public void run() {
        if (handlers.reader == null) {
            return; // removed by an earlier callback of this round
        }
        SliceCache buf = loop.readBuffer();
        int n;
        try {
            n = socket.read(buf.base());
        } catch (IOException | RuntimeException e) {
            fail(e);
            return;
        }
        if (n > 0) {
            try {
                protocol.dataReceived(buf.prefix(n));
            } catch (Throwable t) {
                protocolFailed("dataReceived", t);
            }
        } else if (n < 0) {
            onEof();
        }
    }

    private void onEof() {
        eofReceived = true;
        handlers.reader = null;
        updateInterest();
        boolean keepOpen;
        try {
            keepOpen = protocol.eofReceived();
        } catch (Throwable t) {
            protocolFailed("eofReceived", t);
            return;
        }
        if (state == State.OPEN && (!keepOpen || output == Output.SHUT)) {
            startClosing();
        }
    }

    @Override
    public void pauseReading() {
        checkThread();
        if (state != State.OPEN || readingPaused) {
            return;
        }
        readingPaused = true;
        if (handlers.reader != null) {
            handlers.reader = null;
            updateInterest();
        }
    }

    @Override
    public void resumeReading() {
        checkThread();
        if (state != State.OPEN || !readingPaused) {
            return;
        }
        readingPaused = false;
        if (!eofReceived) {
            handlers.reader = this;
            updateInterest();
        }
    }

    @Override
    public boolean isReading() {
        return state == State.OPEN && !readingPaused && !eofReceived;
    }

    // ---- writing -------------------------------------------------------------------------------

    @Override
    public void write(MemorySegment data) {
        checkThread();
        checkUsable(Objects.requireNonNull(data, "data"));
        if (!acceptWrite()) {
            return;
        }
        long len = data.byteSize();
        if (len == 0) {
            return;
        }
        long sent = 0;
        if (pending.isEmpty()) {
            try {
                sent = socket.write(data);
            } catch (IOException e) {
                fail(e);
                return;
            }
            if (sent == len) {
                return;
            }
            startWriting();
        }
        append(data, sent, len - sent, sent > 0);
        checkHighWater();
    }

    /**
     * Refuses memory the caller cannot use, with the JDK's own exceptions, before anything is sent: the
     * connection stays as it was.
     */
    private static void checkUsable(MemorySegment s) {
        if (!s.scope().isAlive()) {
            throw new IllegalStateException("cannot write: the segment's arena is closed; nothing was written");
        }
        if (!s.isAccessibleBy(Thread.currentThread())) {
            throw new WrongThreadException("cannot write: the segment is confined to another thread's arena;"
                    + " nothing was written (use a shared or global arena, or copy the bytes)");
        }
    }

    /**
     * Buffers the unsent rest of a write. The copy fails only if the source's shared arena was closed by
     * another thread during this call: then, if part of the stream is already out ({@code inStream}),
     * the bytes that follow are lost and the connection is aborted (the peer sees a reset, not a short
     * stream); either way the caller gets the exception.
     */
    private void append(MemorySegment src, long offset, long length, boolean inStream) {
        try {
            pending.append(src, offset, length);
        } catch (RuntimeException e) {
            if (inStream) {
                reset = true;
                forceClose(e);
            }
            throw e;
        }
    }

    @Override
    public void write(ByteBuffer data) {
        checkThread();
        Objects.requireNonNull(data, "data");
        if (!acceptWrite()) {
            data.position(data.limit());
            return;
        }
        if (!data.hasRemaining()) {
            return;
        }
        boolean inStream = false;
        if (pending.isEmpty()) {
            int before = data.position();
            try {
                socket.write(data); // advances the position by what was sent
            } catch (IOException e) {
                data.position(data.limit());
                fail(e);
                return;
            }
            if (!data.hasRemaining()) {
                return;
            }
            inStream = data.position() > before;
            startWriting();
        }
        append(MemorySegment.ofBuffer(data), 0, data.remaining(), inStream);
        data.position(data.limit());
        checkHighWater();
    }

    @Override
    public void write(byte[] data) {
        write(MemorySegment.ofArray(Objects.requireNonNull(data, "data")));
    }

    @Override
    public void writev(MemorySegment... data) {
        checkThread();
        Objects.requireNonNull(data, "data");
        if (!acceptWrite()) {
            return;
        }
        long total = 0;
        for (MemorySegment s : data) {
            checkUsable(Objects.requireNonNull(s, "segment"));
            total += s.byteSize();
        }
        if (total == 0) {
            return;
        }
        int first = 0;
        long skip = 0;
        boolean inStream = false;
        if (pending.isEmpty()) {
            long sent;
            try {
                sent = data.length == 1 ? socket.write(data[0]) : socket.write(data, 0, Math.min(data.length, 1024));
            } catch (IOException e) {
                fail(e);
                return;
            }
            inStream = sent > 0;
            if (sent == total) {
                return;
            }
            // Skip the segments sent whole, and what was sent of the next one.
            while (first < data.length && sent >= data[first].byteSize()) {
                sent -= data[first].byteSize();
                first++;
            }
            skip = sent;
            startWriting();
        }
        for (int i = first; i < data.length; i++) {
            long off = i == first ? skip : 0;
            append(data[i], off, data[i].byteSize() - off, inStream || i > first);
        }
        checkHighWater();
    }

    /** @return true to go on writing; false to drop the bytes (the connection already failed) */
    private boolean acceptWrite() {
        if (output != Output.OPEN) {
            throw new IllegalStateException("cannot write: shutdownOutput() was called on this transport");
        }
        if (writesRefused) {
            throw new IllegalStateException("cannot write: the transport is closing (close() or abort() was called)");
        }
        return state == State.OPEN;
    }

    private void onWritable() {
        if (pending.isEmpty()) {
            stopWriting();
            return;
        }
        long sent;
        try {
            sent = socket.write(pending.pending());
        } catch (IOException | RuntimeException e) {
            fail(e);
            return;
        }
        pending.consume(sent);
        if (protocolPaused && pending.size() <= lowWater && state == State.OPEN) {
            protocolPaused = false;
            try {
                protocol.resumeWriting();
            } catch (Throwable t) {
                protocolFailed("resumeWriting", t);
                return;
            }
        }
        if (pending.isEmpty() && state.compareTo(State.LOST) < 0) {
            stopWriting();
            if (state == State.CLOSING) {
                connectionLostSoon(null);
            } else if (output == Output.SHUTTING) {
                shutdownNow();
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
        if (!protocolPaused && pending.size() > highWater && state == State.OPEN) {
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
    public long writeBufferHighWater() {
        return highWater;
    }

    @Override
    public long writeBufferLowWater() {
        return lowWater;
    }

    @Override
    public long writeBufferSize() {
        return pending.size();
    }

    /** @return the bytes of native write buffer held; for tests */
    long writeBufferCapacity() {
        return pending.capacity();
    }

    /** @return true while a native write buffer is held; for tests */
    boolean holdsWriteMemory() {
        return pending.holdsMemory();
    }

    // ---- closing -------------------------------------------------------------------------------

    @Override
    public void shutdownOutput() {
        checkThread();
        if (state != State.OPEN || output != Output.OPEN) {
            return;
        }
        output = Output.SHUTTING;
        if (pending.isEmpty()) {
            shutdownNow();
        }
    }

    private void shutdownNow() {
        try {
            socket.shutdownOutput();
        } catch (IOException | RuntimeException e) {
            fail(e);
            return;
        }
        output = Output.SHUT;
        if (eofReceived) {
            startClosing(); // both directions are done
        }
    }

    @Override
    public void close() {
        checkThread();
        writesRefused = true;
        if (state == State.OPEN) {
            startClosing();
        }
    }

    /** OPEN to CLOSING: stop reading; lost at once if nothing waits to be sent, else once it is. */
    private void startClosing() {
        writesRefused = true;
        state = State.CLOSING;
        handlers.reader = null;
        updateInterest();
        if (pending.isEmpty()) {
            connectionLostSoon(null);
        }
    }

    @Override
    public void abort() {
        checkThread();
        writesRefused = true;
        if (state.compareTo(State.LOST) >= 0) {
            return;
        }
        reset = true;
        forceClose(null);
    }

    /** An error on the socket (an OS error, or a bug below us): drop everything, and tell the protocol why. */
    private void fail(Exception e) {
        forceClose(e);
    }

    /** A protocol method threw: the connection ends now (a reset if unsent bytes are dropped). */
    private void protocolFailed(String method, Throwable t) {
        loop.reportError(method + " of", protocol, t);
        forceClose(t);
    }

    /** Any state before LOST to LOST, dropping unsent bytes: if there were any, the peer sees a reset. */
    private void forceClose(Throwable cause) {
        if (state.compareTo(State.LOST) >= 0) {
            return;
        }
        if (!pending.isEmpty()) {
            reset = true;
        }
        pending.clear();
        connectionLostSoon(cause);
    }

    /** To LOST: out of the selector, and connectionLost queued for the next round. */
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

    /** LOST to RELEASED: tell the protocol, then close the socket and free the buffer. */
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
            try {
                release();
            } finally {
                // Last, with the transport released and untracked: dependent stages that run here, on
                // the loop thread, see a finished connection and may use the loop as any callback does.
                closed.end(cause);
            }
        }
    }

    /**
     * Closes the socket and frees the write buffer; the selector no longer watches it. Unsent bytes
     * dropped here (the loop closed under a connection) make the close a reset too.
     */
    private void release() {
        boolean resetNow = reset || !pending.isEmpty();
        pending.clear();
        loop.untrack(this);
        try {
            if (resetNow) {
                socket.abort();
            } else {
                socket.close();
            }
        } catch (IOException e) {
            // The descriptor is released whatever close reports; nothing the protocol can act on.
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

    /** Brings the selector in line with {@link #handlers}; a failure fails the connection. */
    private void updateInterest() {
        try {
            loop.io().update(handlers);
        } catch (IOException | RuntimeException e) {
            forceClose(e);
        }
    }

    @Override
    public CompletableFuture<Void> closed() {
        return closed;
    }

    @Override
    public boolean isClosing() {
        return state != State.OPEN;
    }

    /** @return where the connection is in its life; for tests */
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
        if (remote == null && socket.isOpen()) {
            try {
                remote = socket.remoteAddress();
            } catch (IOException e) {
                return null;
            }
        }
        return remote;
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    private void checkThread() {
        if (!loop.inLoopThread() && loop.isRunning()) {
            throw new IllegalStateException("transport called from thread " + Thread.currentThread().getName()
                    + " while its loop runs on another: hand the work to loop.execute(...)");
        }
    }

    @Override
    public String toString() {
        return "StreamTransport[" + socket + ", " + state + "]";
    }
}
