package io.jselectors.net;

import io.jselectors.internal.os.SockAddr;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.SocketAddress;

/**
 * The C form of the address a {@link DatagramSocket} last sent to, kept on the heap: sending to the
 * same address object again (a reply to {@link DatagramSocket#sender()}, which stays the same object
 * while the peer does) copies it into the thread's scratch sockaddr instead of encoding it anew, which
 * would allocate ({@code InetAddress.getAddress()} returns a new array each call). Addresses are
 * immutable, so the object's identity is enough. One socket's, one thread at a time.
 */
final class TargetCache {
    private final int family;
    private final byte[] encoded = new byte[SockAddr.STORAGE_SIZE];
    private SocketAddress last;
    private int length;

    TargetCache(int family) {
        this.family = family;
    }

    /**
     * Writes the C form of {@code target} for this socket's family into {@code out}.
     *
     * @return its length
     * @throws IllegalArgumentException for an unresolved or unsuitable address
     */
    int encode(SocketAddress target, MemorySegment out) {
        if (target == last) {
            MemorySegment.copy(encoded, 0, out, ValueLayout.JAVA_BYTE, 0, length);
            return length;
        }
        int len = SockAddr.encodeFor(family, target, out);
        MemorySegment.copy(out, ValueLayout.JAVA_BYTE, 0, encoded, 0, len);
        length = len;
        last = target;
        return len;
    }
}
