package io.jselectors.testsupport;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A segment of a confined arena that another thread owns, alive until {@link #close()}: for tests of misuse. */
public final class ForeignSegment implements AutoCloseable {
    private final CompletableFuture<Void> release = new CompletableFuture<>();
    private final Thread owner;
    private final MemorySegment segment;

    /**
     * Starts the owning thread and waits for its segment.
     *
     * @param size the segment's size
     * @throws Exception if the thread fails to allocate within 5 s
     */
    public ForeignSegment(long size) throws Exception {
        CompletableFuture<MemorySegment> made = new CompletableFuture<>();
        owner = Thread.ofPlatform().start(() -> {
            try (Arena a = Arena.ofConfined()) {
                made.complete(a.allocate(size));
                release.get();
            } catch (Exception e) {
                made.completeExceptionally(e);
            }
        });
        segment = made.get(5, TimeUnit.SECONDS);
    }

    /** @return the segment, accessible only from the owning thread */
    public MemorySegment segment() {
        return segment;
    }

    /** Lets the owner close its arena and end. */
    @Override
    public void close() throws InterruptedException {
        release.complete(null);
        owner.join();
    }
}
