package io.jselectors.loop;

import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;

/**
 * One datagram endpoint (UDP, or a Unix datagram pair) of an {@link EventLoop}: asyncio's
 * {@code DatagramTransport}. Call it on the loop thread only (from another thread it throws
 * {@link IllegalStateException}: use {@link EventLoop#execute(Runnable)}).
 *
 * <h2>Sending</h2>
 * A datagram goes to the socket at once when nothing waits before it; when the socket cannot take it
 * (its buffer is full) it is copied, whole, into the endpoint's send queue, sent in order as the socket
 * drains. Above the queue's high-water mark the protocol's {@link DatagramProtocol#pauseWriting()} is
 * called, and {@link DatagramProtocol#resumeWriting()} once it is back to the low-water mark. The queue
 * never holds more than {@link DatagramOptions#maxQueuedBytes()}: a send that would go over throws.
 * A send the system refuses (EMSGSIZE, ECONNREFUSED, ...) reaches
 * {@link DatagramProtocol#errorReceived}, and that datagram is dropped.
 *
 * <p>After {@link #close()} or {@link #abort()}, sending throws {@link IllegalStateException}; after a
 * protocol method threw, until {@code connectionLost}, sends are dropped.
 */
public interface DatagramTransport {
    /**
     * Sends a datagram to an address.
     *
     * @param data   the datagram, whole; the caller may reuse it as soon as this returns
     * @param target an {@link java.net.InetSocketAddress}, resolved, that this endpoint's socket reaches
     *               (on a connected endpoint: its peer, or null)
     * @throws IllegalArgumentException for an unusable address, or another address than the peer of a
     *                                  connected endpoint
     * @throws IllegalStateException    if the endpoint is closing, the send queue is full, or
     *                                  {@code data}'s arena is closed
     * @throws WrongThreadException     if {@code data} is confined to another thread
     */
    void sendTo(MemorySegment data, SocketAddress target);

    /**
     * Sends a byte array to an address, as {@link #sendTo(MemorySegment, SocketAddress)}.
     *
     * @param data   the datagram
     * @param target the address
     */
    void sendTo(byte[] data, SocketAddress target);

    /**
     * Sends a datagram to the peer of a connected endpoint.
     *
     * @param data the datagram, whole
     * @throws IllegalStateException if the endpoint is not connected (use {@link #sendTo}), or as
     *                               {@link #sendTo(MemorySegment, SocketAddress)}
     */
    void send(MemorySegment data);

    /**
     * Sends a byte array to the peer of a connected endpoint.
     *
     * @param data the datagram
     */
    void send(byte[] data);

    /**
     * Closes the endpoint once its queued datagrams are sent: no more are received, and
     * {@code connectionLost(null)} follows. Calling it again does nothing.
     */
    void close();

    /** Closes the endpoint now, dropping queued datagrams; {@code connectionLost(null)} follows. */
    void abort();

    /**
     * Tells whether the endpoint is closing or closed.
     *
     * @return true after {@link #close()}, {@link #abort()} or a failure
     */
    boolean isClosing();

    /**
     * Sets the send queue's water marks (default {@link Transport#DEFAULT_HIGH_WATER} and
     * {@link Transport#DEFAULT_LOW_WATER}). Pauses the protocol at once if the queue is already above
     * {@code high}.
     *
     * @param high pause above this many queued bytes
     * @param low  resume at or below this many
     * @throws IllegalArgumentException unless {@code 0 <= low <= high}
     */
    void setWriteBufferLimits(long high, long low);

    /**
     * Returns the bytes of the datagrams waiting in the send queue.
     *
     * @return the queued bytes
     */
    long writeBufferSize();

    /**
     * Returns how many datagrams wait in the send queue.
     *
     * @return the queued datagrams
     */
    int queuedDatagrams();

    /**
     * Returns the local address, with the port the system picked.
     *
     * @return the address, or null once closed
     */
    SocketAddress localAddress();

    /**
     * Returns the peer of a connected endpoint.
     *
     * @return the peer, or null when not connected
     */
    SocketAddress remoteAddress();

    /**
     * Returns the loop this endpoint runs on.
     *
     * @return the loop
     */
    EventLoop loop();
}
