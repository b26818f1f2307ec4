package io.jselectors.net;

import io.jselectors.internal.os.SockAddr;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;

/**
 * The sender of the last datagram a {@link DatagramSocket} received, decoded once per distinct sender:
 * while datagrams keep coming from the same address (always, on a connected socket), the same
 * {@link SocketAddress} object is handed out and a receive allocates nothing for it. The raw address
 * is compared byte for byte with a heap copy of the last one. One socket's, one thread at a time.
 */
final class SenderCache {
    private final byte[] raw = new byte[SockAddr.STORAGE_SIZE];
    private final MemorySegment last = MemorySegment.ofArray(raw);
    private int lastLength = -1;
    private SocketAddress current;

    /**
     * Takes the sender the kernel wrote.
     *
     * @param name   the sockaddr
     * @param length its length; 0 when the kernel gave none
     */
    void update(MemorySegment name, int length) {
        if (length <= 0) {
            current = null;
            lastLength = -1;
            return;
        }
        if (length == lastLength && MemorySegment.mismatch(name, 0, length, last, 0, length) < 0) {
            return;
        }
        current = SockAddr.decode(name, length);
        MemorySegment.copy(name, 0, last, 0, length);
        lastLength = length;
    }

    /** @return the last sender, or null */
    SocketAddress current() {
        return current;
    }
}
