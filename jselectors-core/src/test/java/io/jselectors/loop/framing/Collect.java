package io.jselectors.loop.framing;

import io.jselectors.loop.Transport;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** A frame handler that records its frames (copied) and its callbacks, for tests. */
class Collect<F> implements FrameHandler<F> {
    final List<Object> frames = new ArrayList<>();
    final List<String> events = new ArrayList<>();
    Transport transport;
    Throwable lostCause;
    boolean keepOpenOnEof;
    /** Runs on each frame after it is recorded. */
    Consumer<F> onFrame = f -> {};

    static Collect<MemorySegment> bytes() {
        return new Collect<>();
    }

    static Collect<String> text() {
        return new Collect<>();
    }

    @Override
    public void connectionMade(Transport t) {
        transport = t;
        events.add("made");
    }

    @Override
    public void frameReceived(F frame) {
        frames.add(frame instanceof MemorySegment s ? new String(s.toArray(ValueLayout.JAVA_BYTE),
                java.nio.charset.StandardCharsets.ISO_8859_1) : frame);
        onFrame.accept(frame);
    }

    @Override
    public boolean eofReceived() {
        events.add("eof");
        return keepOpenOnEof;
    }

    @Override
    public void connectionLost(Throwable cause) {
        events.add("lost");
        lostCause = cause;
    }

    @Override
    public void pauseWriting() {
        events.add("pause");
    }

    @Override
    public void resumeWriting() {
        events.add("resume");
    }
}
