package io.jselectors.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/** Runs a loop on the test thread until something happens, with a guard timeout. */
final class Run {
    private Run() {}

    /** Runs until f completes; fails the test after max. */
    static <T> T until(EventLoop loop, CompletableFuture<T> f, Duration max) {
        f.whenComplete((v, e) -> loop.stop());
        TimerHandle guard = loop.schedule(max, loop::stop);
        loop.run();
        guard.cancel();
        assertThat(f).as("completed within " + max).isDone();
        return f.join();
    }

    static <T> T until(EventLoop loop, CompletableFuture<T> f) {
        return until(loop, f, Duration.ofSeconds(10));
    }

    /** Runs until cond holds (checked every millisecond); fails the test after max. */
    static void until(EventLoop loop, BooleanSupplier cond, Duration max) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        Runnable[] check = new Runnable[1];
        check[0] = () -> {
            if (cond.getAsBoolean()) {
                f.complete(null);
            } else if (!f.isDone()) {
                loop.schedule(Duration.ofMillis(1), check[0]);
            }
        };
        loop.execute(check[0]);
        until(loop, f, max);
    }

    /** Runs the loop for a while. */
    static void forAbout(EventLoop loop, Duration d) {
        loop.schedule(d, loop::stop);
        loop.run();
    }
}
