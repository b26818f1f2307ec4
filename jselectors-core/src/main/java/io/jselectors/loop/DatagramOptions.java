package io.jselectors.loop;

/**
 * How a datagram endpoint receives and queues.
 *
 * @param maxDatagramSize the most bytes of one datagram handed to
 *                        {@link DatagramProtocol#datagramReceived}; longer datagrams arrive cut to this size
 *                        with {@code truncated} true. 1 to 65,536 (the loop's read buffer, more than any
 *                        UDP datagram carries)
 * @param maxQueuedBytes  the most bytes the send queue holds, whatever the water marks: a send that would
 *                        go over throws {@link IllegalStateException} (a protocol that honours
 *                        {@code pauseWriting} never meets it); at least 1
 * @param broadcast       set {@code SO_BROADCAST}, to send to broadcast addresses
 */
public record DatagramOptions(int maxDatagramSize, long maxQueuedBytes, boolean broadcast) {
    /** The largest {@link #maxDatagramSize()}: the loop's read buffer. */
    public static final int MAX_DATAGRAM_SIZE = TransportMemory.READ_BUFFER_SIZE;
    /** Datagrams up to 64 KiB whole, at most 4 MiB queued, no broadcast. */
    public static final DatagramOptions DEFAULTS = new DatagramOptions(MAX_DATAGRAM_SIZE, 4L << 20, false);

    /** Checks the values. */
    public DatagramOptions {
        if (maxDatagramSize < 1 || maxDatagramSize > MAX_DATAGRAM_SIZE) {
            throw new IllegalArgumentException(
                    "maxDatagramSize must be 1 to " + MAX_DATAGRAM_SIZE + ", got " + maxDatagramSize);
        }
        if (maxQueuedBytes < 1) {
            throw new IllegalArgumentException("maxQueuedBytes must be >= 1, got " + maxQueuedBytes);
        }
    }

    /**
     * Returns a copy with another maximum datagram size.
     *
     * @param bytes 1 to {@link #MAX_DATAGRAM_SIZE}
     * @return the copy
     */
    public DatagramOptions withMaxDatagramSize(int bytes) {
        return new DatagramOptions(bytes, maxQueuedBytes, broadcast);
    }

    /**
     * Returns a copy with another send queue limit.
     *
     * @param bytes at least 1
     * @return the copy
     */
    public DatagramOptions withMaxQueuedBytes(long bytes) {
        return new DatagramOptions(maxDatagramSize, bytes, broadcast);
    }

    /**
     * Returns a copy with {@code SO_BROADCAST} on or off.
     *
     * @param on true to allow sending to broadcast addresses
     * @return the copy
     */
    public DatagramOptions withBroadcast(boolean on) {
        return new DatagramOptions(maxDatagramSize, maxQueuedBytes, on);
    }
}
