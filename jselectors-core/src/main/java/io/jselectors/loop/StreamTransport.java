package io.jselectors.loop;

import io.jselectors.Selector;
import io.jselectors.net.StreamSocket;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The {@link Transport} of a connected {@link StreamSocket} (TCP or Unix), asyncio's
 * {@code _SelectorSocketTransport}. Reads land in the loop's one read buffer; unsent bytes wait in a
 * {@link WriteBuffer} held only while they exist. Loop thread only.
 */
final class StreamTransport implements Transport, LoopResource, Runnable {
    private final EventLoop loop;
    private final Selector selector;
    private final StreamSocket socket;
    private final Protocol protocol;
    private final WriteBuffer pending;
    private final FdHandlers handlers = new FdHandlers();
    /** The writer callback; the reader is this transport itself ({@link #run()}), one call level less. */
    private final Runnable onWritable = this::onWritable;
    private int registeredEvents;

    private long highWater = DEFAULT_HIGH_WATER;
    private long lowWater = DEFAULT_LOW_WATER;
    private boolean protocolPaused;

    private boolean readingPaused;
    private boolean eofReceived;
    /** close(), abort() or a fault: no more reading; lost follows once the buffer is sent. */
    private boolean closing;
    /** The user closed, aborted or shut down output: writes are a programming error. */
    private boolean writesRefused;
    private boolean shutdownRequested;
    private boolean outputShut;
    /** connectionLost is scheduled (or delivered): the socket is out of the selector. */
    private boolean lost;
    private boolean lostDelivered;
    private boolean resetOnClose;
    private SocketAddress local;
    private SocketAddress remote;

    StreamTransport(EventLoop loop, StreamSocket socket, Protocol protocol) {
        this.loop = loop;
        this.selector = loop.selector();
        this.socket = socket;
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.pending = new WriteBuffer(loop.pool());
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
        if (!closing && !readingPaused) {
            handlers.reader = this;
            updateInterest();
        }
    }

    // ---- reading -------------------------------------------------------------------------------

    /** The reader callback: the socket is readable. Loop thread only. */
    @Override
    public void run() {
        if (closing || readingPaused || eofReceived) {
            return;
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
        if (closing) {
            return;
        }
        if (!keepOpen || outputShut) {
            close();
        }
    }

    @Override
    public void pauseReading() {
        checkThread();
        if (closing || readingPaused) {
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
        if (closing || !readingPaused) {
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
        return !closing && !readingPaused && !eofReceived;
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
                resetOnClose = true;
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
        if (writesRefused) {
            throw new IllegalStateException(outputShut || shutdownRequested
                    ? "cannot write: shutdownOutput() was called on this transport"
                    : "cannot write: the transport is closing (close() or abort() was called)");
        }
        return !closing;
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
        if (protocolPaused && pending.size() <= lowWater && !closing) {
            protocolPaused = false;
            try {
                protocol.resumeWriting();
            } catch (Throwable t) {
                protocolFailed("resumeWriting", t);
                return;
            }
        }
        if (pending.isEmpty() && !lost) {
            stopWriting();
            if (closing) {
                connectionLostSoon(null);
            } else if (shutdownRequested && !outputShut) {
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
        if (!protocolPaused && pending.size() > highWater && !closing) {
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
        if (closing || shutdownRequested) {
            return;
        }
        shutdownRequested = true;
        writesRefused = true;
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
        outputShut = true;
        if (eofReceived) {
            close(); // both directions are done
        }
    }

    @Override
    public void close() {
        checkThread();
        writesRefused = true;
        if (closing) {
            return;
        }
        closing = true;
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
        if (lost) {
            return;
        }
        resetOnClose = true;
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

    /** Ends the connection now, dropping unsent bytes: if there were any, the peer sees a reset. */
    private void forceClose(Throwable cause) {
        if (lost) {
            return;
        }
        closing = true;
        if (!pending.isEmpty()) {
            resetOnClose = true;
        }
        pending.clear();
        connectionLostSoon(cause);
    }

    private void connectionLostSoon(Throwable cause) {
        if (lost) {
            return;
        }
        lost = true;
        handlers.reader = null;
        handlers.writer = null;
        updateInterest();
        loop.callSoon(() -> deliverConnectionLost(cause));
    }

    private void deliverConnectionLost(Throwable cause) {
        if (lostDelivered) {
            return;
        }
        lostDelivered = true;
        try {
            if (protocolPaused) {
                protocolPaused = false;
            }
            protocol.connectionLost(cause);
        } catch (Throwable t) {
            loop.reportError("connectionLost of", protocol, t);
        } finally {
            release();
        }
    }

    /**
     * Closes the socket and frees the write buffer; the selector no longer watches it. Unsent bytes
     * dropped here (the loop closed under a connection) make the close a reset too.
     */
    private void release() {
        boolean reset = resetOnClose || !pending.isEmpty();
        pending.clear();
        loop.untrack(this);
        try {
            if (reset) {
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
        if (!lost) {
            lost = true;
            closing = true;
            try {
                if (registeredEvents != 0) {
                    selector.unregister(socket);
                }
            } catch (IOException | RuntimeException e) {
                // the selector is about to close anyway
            }
            registeredEvents = 0;
        }
        deliverConnectionLost(EventLoop.loopClosedException());
    }

    /** Brings the selector in line with {@link #handlers}; a failure fails the connection. */
    private void updateInterest() {
        int want = handlers.events();
        if (want == registeredEvents) {
            return;
        }
        try {
            if (registeredEvents == 0) {
                selector.register(socket, want, handlers);
            } else if (want == 0) {
                selector.unregister(socket);
            } else {
                selector.modify(socket, want, handlers);
            }
            registeredEvents = want;
        } catch (IOException | RuntimeException e) {
            registeredEvents = -1; // unknown: unregister at release
            if (!lost) {
                forceClose(e);
            }
        }
    }

    @Override
    public boolean isClosing() {
        return closing;
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
        return "StreamTransport[" + socket + (closing ? ", closing" : "") + "]";
    }
}
