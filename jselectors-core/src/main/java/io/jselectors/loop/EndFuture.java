package io.jselectors.loop;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The future of something's end that only the loop completes: {@link Transport#closed()} and
 * {@link Server#closed()}. Readers may do anything a {@link CompletableFuture} allows (join, dependent
 * stages, {@link EventLoop#runUntil}); completing it by hand would tell every other reader a lie, so
 * {@code complete}, {@code completeExceptionally}, {@code obtrude...}, {@code completeAsync},
 * {@code orTimeout} and {@code completeOnTimeout} throw {@link UnsupportedOperationException}, and
 * {@code cancel} does nothing and returns false. Dependent stages are plain {@link CompletableFuture}s.
 */
final class EndFuture extends CompletableFuture<Void> {
    private final String what;

    /** @param what what ends, for the refusals' messages: "connection", "server" */
    EndFuture(String what) {
        this.what = what;
    }

    /** The loop: completes normally when cause is null, else exceptionally with it. Idempotent. */
    void end(Throwable cause) {
        if (cause == null) {
            super.complete(null);
        } else {
            super.completeExceptionally(cause);
        }
    }

    private UnsupportedOperationException refused() {
        return new UnsupportedOperationException("this future completes when the " + what
                + " ends; it cannot be completed by hand (close the " + what + " instead, or use copy()"
                + " for a future of your own)");
    }

    @Override
    public boolean complete(Void value) {
        throw refused();
    }

    @Override
    public boolean completeExceptionally(Throwable ex) {
        throw refused();
    }

    @Override
    public void obtrudeValue(Void value) {
        throw refused();
    }

    @Override
    public void obtrudeException(Throwable ex) {
        throw refused();
    }

    @Override
    public CompletableFuture<Void> completeAsync(Supplier<? extends Void> supplier, Executor executor) {
        throw refused();
    }

    @Override
    public CompletableFuture<Void> completeAsync(Supplier<? extends Void> supplier) {
        throw refused();
    }

    @Override
    public CompletableFuture<Void> orTimeout(long timeout, TimeUnit unit) {
        throw refused();
    }

    @Override
    public CompletableFuture<Void> completeOnTimeout(Void value, long timeout, TimeUnit unit) {
        throw refused();
    }

    /** Does nothing: the {@code what} is not cancelled through the future of its end. */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return false;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }
}
