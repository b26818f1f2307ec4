package io.jselectors.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.internal.os.SignalSys;
import io.jselectors.internal.os.SpawnSys;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Signal handlers on the loop. The signals go to this whole JVM ({@code kill(getpid(), ...)}), with the
 * handler installed first; only signals whose restored default is harmless (WINCH, URG: ignore) are sent
 * after a removal. The INT case, which would end this JVM without a handler, runs in a child JVM
 * ({@code LoopExamplesTest}, examples/SignalLoop.java).
 */
class SignalHandlerTest {
    private static void killSelf(String name) throws Exception {
        SpawnSys.kill((int) ProcessHandle.current().pid(), SignalSys.SIGNALS.get(name));
    }

    @Test
    void aSignalToTheProcessRunsTheCallbackOnTheLoopThread() throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            CompletableFuture<Thread> got = new CompletableFuture<>();
            loop.addSignalHandler("SIGUSR1", () -> got.complete(Thread.currentThread()));
            loop.execute(() -> {
                try {
                    killSelf("USR1");
                } catch (Exception e) {
                    got.completeExceptionally(e);
                }
            });
            Thread loopThread = Thread.currentThread();
            assertThat(Run.until(loop, got)).isSameAs(loopThread);
            assertThat(loop.removeSignalHandler("USR1")).isTrue();
            assertThat(loop.removeSignalHandler("USR1")).isFalse();
        }
    }

    @Test
    void everySignalIsDeliveredAndAThrowingCallbackGoesToTheExceptionHandler() throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            loop.setExceptionHandler((context, error) -> errors.add(error));
            CompletableFuture<Void> second = new CompletableFuture<>();
            int[] calls = {0};
            loop.addSignalHandler("WINCH", () -> {
                if (++calls[0] == 1) {
                    throw new IllegalStateException("boom");
                }
                second.complete(null);
            });
            killSelf("WINCH");
            Run.until(loop, () -> calls[0] == 1, java.time.Duration.ofSeconds(10));
            killSelf("WINCH");
            Run.until(loop, second);
            assertThat(errors).singleElement().extracting(Throwable::getMessage).isEqualTo("boom");
        }
    }

    @Test
    void aSignalThatArrivesWhileTheLoopDoesNotRunIsHandledWhenItRuns() throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            CompletableFuture<Thread> got = new CompletableFuture<>();
            loop.addSignalHandler("URG", () -> got.complete(Thread.currentThread()));
            killSelf("URG");
            Thread.sleep(200); // the JVM's dispatcher has queued it by now; nothing runs it yet
            assertThat(got).isNotDone();
            assertThat(Run.until(loop, got)).isSameAs(Thread.currentThread());
            assertThat(loop.removeSignalHandler("URG")).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"SEGV", "SIGQUIT", "USR2", "BUS", "PIPE", "KILL", "STOP", "NOPE"})
    void signalsTheJvmNeedsAreRefusedWithTheAllowedList(String name) throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            assertThatThrownBy(() -> loop.addSignalHandler(name, () -> {}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("use one of [HUP, INT, TERM, USR1");
        }
    }

    @Test
    void oneLoopPerSignalAndCloseGivesItBack() throws Exception {
        EventLoop a = EventLoop.open();
        try (EventLoop b = EventLoop.open()) {
            a.addSignalHandler("URG", () -> {});
            a.addSignalHandler("URG", () -> {}); // the same loop replaces its callback
            assertThatThrownBy(() -> b.addSignalHandler("SIGURG", () -> {}))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("already handled by");
            assertThat(b.removeSignalHandler("URG")).isFalse();
            a.close();
            assertThatThrownBy(() -> a.addSignalHandler("URG", () -> {})).isInstanceOf(IllegalStateException.class);
            CompletableFuture<Void> got = new CompletableFuture<>();
            b.addSignalHandler("URG", () -> got.complete(null));
            killSelf("URG");
            Run.until(b, got);
            assertThat(b.removeSignalHandler("URG")).isTrue();
        } finally {
            a.close();
        }
    }
}
