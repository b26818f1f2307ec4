package io.jselectors.loop;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;

/**
 * What a datagram endpoint does with its events: asyncio's {@code DatagramProtocol}. The loop calls
 * these methods on its thread: {@code connectionMade} first, then any number of
 * {@code datagramReceived} and {@code errorReceived}, and {@code connectionLost} exactly once.
 * {@code pauseWriting}/{@code resumeWriting} come in pairs, any time before {@code connectionLost}.
 *
 * <p>An exception thrown by any method but {@code connectionLost} goes to the loop's exception handler
 * and ends the endpoint at once (queued datagrams are dropped); {@code connectionLost} then receives it.
 */
public interface DatagramProtocol {
    /**
     * The endpoint is ready. Keep the transport to send and close.
     *
     * @param transport the endpoint
     */
    default void connectionMade(DatagramTransport transport) {}

    /**
     * A datagram arrived. The only method without a default: every protocol says what it does with a
     * datagram, and with one that did not fit.
     *
     * @param data      the datagram, in the loop's shared read buffer: valid only during this call (copy
     *                  what you keep; passing it to {@link DatagramTransport#sendTo} is fine)
     * @param sender    who sent it: an {@link java.net.InetSocketAddress} (the same object while datagrams
     *                  keep coming from one address), or null on a Unix datagram pair
     * @param truncated true when the datagram was longer than the endpoint's
     *                  {@linkplain DatagramOptions#maxDatagramSize() maximum datagram size}: {@code data}
     *                  holds its first {@code maxDatagramSize} bytes and the system discarded the rest
     */
    void datagramReceived(MemorySegment data, SocketAddress sender, boolean truncated);

    /**
     * A send or receive failed; the endpoint stays open (asyncio's {@code error_received}). Typical:
     * ECONNREFUSED on a connected endpoint whose peer has no socket at that port (the ICMP error of an
     * earlier datagram), EMSGSIZE for a datagram too large, EACCES for a broadcast without
     * {@link DatagramOptions#broadcast()}. The datagram that failed to go is dropped.
     *
     * @param error an {@link io.jselectors.ErrnoException} naming the call and the fd
     */
    default void errorReceived(IOException error) {}

    /**
     * The endpoint is closed; called exactly once, after which the transport is unusable.
     *
     * @param cause null after {@link DatagramTransport#close()} or {@link DatagramTransport#abort()}, the
     *              exception a protocol method threw, or an {@link IOException} when the loop was closed
     */
    default void connectionLost(Throwable cause) {}

    /**
     * The send queue went above its high-water mark: stop sending until {@link #resumeWriting()}.
     * Sending anyway queues more, up to {@link DatagramOptions#maxQueuedBytes()}.
     */
    default void pauseWriting() {}

    /** The send queue drained to its low-water mark: send again. */
    default void resumeWriting() {}
}
