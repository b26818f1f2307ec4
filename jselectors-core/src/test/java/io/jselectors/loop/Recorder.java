package io.jselectors.loop;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A protocol that records what happens to it, for tests; subclasses add behaviour. */
class Recorder implements Protocol {
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    /** pauseWriting/resumeWriting, in order. */
    final List<String> flow = Collections.synchronizedList(new ArrayList<>());
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    final CompletableFuture<Transport> made = new CompletableFuture<>();
    final CompletableFuture<Void> eof = new CompletableFuture<>();
    final CompletableFuture<Throwable> lost = new CompletableFuture<>();
    Transport transport;
    boolean keepOpenOnEof;
    int pauses;
    int resumes;
    boolean paused;

    @Override
    public void connectionMade(Transport t) {
        transport = t;
        events.add("made");
        made.complete(t);
    }

    @Override
    public void dataReceived(MemorySegment data) {
        received.writeBytes(data.toArray(ValueLayout.JAVA_BYTE));
    }

    @Override
    public boolean eofReceived() {
        events.add("eof");
        eof.complete(null);
        return keepOpenOnEof;
    }

    @Override
    public void connectionLost(Throwable cause) {
        events.add("lost");
        lost.complete(cause == null ? new NoCause() : cause);
    }

    @Override
    public void pauseWriting() {
        pauses++;
        paused = true;
        flow.add("pause");
    }

    @Override
    public void resumeWriting() {
        resumes++;
        paused = false;
        flow.add("resume");
    }

    int size() {
        return received.size();
    }

    /** Stands for "connectionLost(null)" in the lost future. */
    static final class NoCause extends Throwable {
        NoCause() {
            super("no cause", null, false, false);
        }
    }
}
