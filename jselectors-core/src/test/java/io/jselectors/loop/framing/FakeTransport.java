package io.jselectors.loop.framing;

import io.jselectors.loop.EventLoop;
import io.jselectors.loop.Transport;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/** A transport with no socket: records what is written and how it ends, for driving a framing by hand. */
final class FakeTransport implements Transport {
    final ByteArrayOutputStream written = new ByteArrayOutputStream();
    int writeCalls;
    boolean closed;
    boolean aborted;
    boolean readingPaused;

    @Override public void write(MemorySegment data) { writeCalls++; written.writeBytes(data.toArray(ValueLayout.JAVA_BYTE)); }
    @Override public void write(ByteBuffer data) { write(MemorySegment.ofBuffer(data)); data.position(data.limit()); }
    @Override public void write(byte[] data) { write(MemorySegment.ofArray(data)); }
    @Override public void writev(MemorySegment... data) {
        writeCalls++;
        for (MemorySegment s : data) {
            written.writeBytes(s.toArray(ValueLayout.JAVA_BYTE));
        }
    }
    @Override public void close() { closed = true; }
    @Override public void abort() { aborted = true; }
    @Override public void shutdownOutput() {}
    @Override public void pauseReading() { readingPaused = true; }
    @Override public void resumeReading() { readingPaused = false; }
    @Override public boolean isReading() { return !readingPaused && !isClosing(); }
    @Override public void setWriteBufferLimits(long high, long low) {}
    @Override public long writeBufferHighWater() { return DEFAULT_HIGH_WATER; }
    @Override public long writeBufferLowWater() { return DEFAULT_LOW_WATER; }
    @Override public long writeBufferSize() { return 0; }
    @Override public SocketAddress localAddress() { return null; }
    @Override public SocketAddress remoteAddress() { return null; }
    @Override public boolean isClosing() { return closed || aborted; }
    @Override public EventLoop loop() { throw new UnsupportedOperationException("no loop behind a fake transport"); }
}
