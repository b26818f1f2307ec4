package io.jselectors.loop;

import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;
import java.util.ArrayDeque;

/**
 * The datagrams of one endpoint that wait for the socket, in order, each kept whole: their bytes end to
 * end in one {@link WriteBuffer} (native, from the loop's pool, held only while datagrams wait), and
 * beside it each one's length and target. Loop thread only.
 */
final class DatagramQueue {
    private record Entry(long length, SocketAddress target) {}

    private final WriteBuffer bytes;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();

    DatagramQueue(BufferPool pool) {
        this.bytes = new WriteBuffer(pool);
    }

    /** @return the bytes of all queued datagrams */
    long size() {
        return bytes.size();
    }

    int count() {
        return entries.size();
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Copies a datagram to the end of the queue. */
    void add(MemorySegment datagram, SocketAddress target) {
        bytes.append(datagram, 0, datagram.byteSize());
        entries.add(new Entry(datagram.byteSize(), target));
    }

    /** @return the first datagram's bytes; valid until the queue changes */
    MemorySegment headBytes() {
        long len = entries.getFirst().length();
        return len == 0 ? MemorySegment.NULL : bytes.pending().asSlice(0, len);
    }

    /** @return the first datagram's target, null for the connected peer */
    SocketAddress headTarget() {
        return entries.getFirst().target();
    }

    /** Drops the first datagram (sent, or failed). */
    void removeHead() {
        bytes.consume(entries.removeFirst().length());
    }

    /** Drops everything and gives the buffer back. */
    void clear() {
        entries.clear();
        bytes.clear();
    }

    /** @return true while a native buffer is held; for tests */
    boolean holdsMemory() {
        return bytes.holdsMemory();
    }
}
