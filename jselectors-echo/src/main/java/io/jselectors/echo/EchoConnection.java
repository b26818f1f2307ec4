package io.jselectors.echo;

import io.jselectors.loop.Protocol;
import io.jselectors.loop.Transport;
import java.lang.foreign.MemorySegment;

/**
 * One client connection: writes back every byte it receives, in order. When the bytes waiting to go out pass
 * {@code --max-buffer} the transport calls {@link #pauseWriting()} and the connection stops reading until the
 * peer has read enough ({@link #resumeWriting()}), so a client that never reads costs at most that much memory.
 *
 * <p>Lives on its loop's thread only. The worker keeps its connections in an intrusive list
 * ({@link #prev}/{@link #next}), so accepting and closing allocate no list nodes.
 */
final class EchoConnection implements Protocol {
    private final EchoWorker worker;
    private final EchoStats stats;
    private Transport transport;
    /** Closed at once for --max-connections: never counted as open. */
    private boolean rejected;
    /** A graceful stop has begun: echo until quiet, then shut the write side. */
    private boolean draining;
    /** The write side is shut (graceful stop): input is read and dropped until the peer closes. */
    private boolean outputShut;
    /**
     * When bytes were last seen coming in, or the unsent bytes last changed (System.nanoTime), as the idle
     * sweep and the drain tick see it: they compare {@link #received} with what they saw before, so the
     * echo itself reads no clock. Later than the truth by at most one tick: a connection is never closed early.
     */
    long lastActive;
    /** Bytes received; loop thread only. */
    private long received;
    /** {@link #received} at the last sweep or tick. */
    private long receivedSeen;
    /** writeBufferSize() at the last idle sweep. */
    long lastBuffered;

    EchoConnection prev;
    EchoConnection next;
    boolean linked;

    EchoConnection(EchoWorker worker, EchoStats stats) {
        this.worker = worker;
        this.stats = stats;
    }

    @Override
    public void connectionMade(Transport t) {
        this.transport = t;
        int max = worker.config().maxConnections();
        if (stats.open.incrementAndGet() > max && max > 0) {
            stats.open.decrementAndGet();
            rejected = true;
            stats.rejected.increment();
            t.abort();
            return;
        }
        stats.accepted.increment();
        long high = worker.config().maxBuffer();
        t.setWriteBufferLimits(high, high / 4);
        lastActive = System.nanoTime();
        worker.add(this);
        if (worker.isStopping()) {
            drain();
        }
    }

    @Override
    public void dataReceived(MemorySegment data) {
        if (outputShut) {
            return; // read and dropped only so that closing does not reset the connection
        }
        long n = data.byteSize();
        received += n;
        worker.received(n);
        transport.write(data);
    }

    @Override
    public boolean eofReceived() {
        // Half-close: the transport flushes every echo still buffered, then closes.
        return false;
    }

    @Override
    public void pauseWriting() {
        stats.pauses.increment();
        if (!outputShut) {
            transport.pauseReading();
        }
    }

    @Override
    public void resumeWriting() {
        transport.resumeReading();
    }

    @Override
    public void connectionLost(Throwable error) {
        if (rejected) {
            return;
        }
        stats.open.decrementAndGet();
        if (error != null) {
            stats.failed.increment();
        }
        worker.remove(this);
    }

    /** Graceful stop begins: the connection goes on echoing until it is quiet (see {@link #shutIfQuiet}). */
    void drain() {
        draining = true;
    }

    /**
     * Graceful stop, each tick: once every echo is flushed and nothing has come in for quietNanos, shuts the
     * write side (the peer reads EOF after its last echo) and goes on reading, dropping what comes, until the
     * peer closes; closing earlier could reset the connection and destroy echoes the peer has not read yet.
     */
    void shutIfQuiet(long now, long quietNanos) {
        if (!draining || outputShut || rejected) {
            return;
        }
        noteInput(now);
        if (transport.writeBufferSize() == 0 && now - lastActive >= quietNanos) {
            outputShut = true;
            transport.shutdownOutput();
            transport.resumeReading();
        }
    }

    /** Idle sweep: closes the connection when nothing came in and nothing went out for the timeout. */
    boolean closeIfIdle(long now, long timeoutNanos) {
        noteInput(now);
        long buffered = transport.writeBufferSize();
        if (buffered != lastBuffered) {
            lastBuffered = buffered;
            lastActive = now;
            return false;
        }
        if (now - lastActive < timeoutNanos) {
            return false;
        }
        stats.idleClosed.increment();
        if (buffered == 0) {
            transport.close();
        } else {
            transport.abort(); // the peer has not read for the whole timeout: flushing could wait forever
        }
        return true;
    }

    /** Bytes came in since the last look: active now. */
    private void noteInput(long now) {
        if (received != receivedSeen) {
            receivedSeen = received;
            lastActive = now;
        }
    }

    long writeBufferSize() {
        return transport == null ? 0 : transport.writeBufferSize();
    }

    /**
     * Aborts the connection at the end of a graceful stop.
     *
     * @return true if it was cut off with echoes in flight, false if it had all its echoes (write side shut)
     *         and the peer only kept its socket open
     */
    boolean abort() {
        transport.abort();
        return !outputShut;
    }
}
