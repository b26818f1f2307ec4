package io.jselectors.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** pendingTimers() and cancel() say what their docs say, also while the loop is idle or closed. */
class TimerCountTest {
    @Test
    void aTimerCancelledWhileTheLoopIsIdleStopsCountingAtOnce() throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            TimerHandle far = loop.schedule(Duration.ofHours(1), () -> { });
            TimerHandle other = loop.schedule(Duration.ofHours(1), () -> { });
            assertThat(loop.pendingTimers()).as("scheduled while idle").isEqualTo(2);
            loop.stop();
            loop.run(); // one round: both timers are now in the loop's heap
            assertThat(loop.pendingTimers()).isEqualTo(2);
            assertThat(far.cancel()).isTrue(); // the loop is idle: not its thread
            assertThat(loop.pendingTimers()).as("after cancelling one while idle").isEqualTo(1);
            assertThat(far.cancel()).isFalse();
            assertThat(loop.pendingTimers()).isEqualTo(1);
            loop.stop();
            loop.run();
            assertThat(loop.pendingTimers()).isEqualTo(1);
            TimerHandle soon = loop.schedule(Duration.ZERO, () -> { });
            assertThat(loop.pendingTimers()).isEqualTo(2);
            loop.stop();
            loop.run(); // adds it to the heap
            loop.stop();
            loop.run(); // fires it
            assertThat(soon.hasFired()).isTrue();
            assertThat(loop.pendingTimers()).as("after one fired").isEqualTo(1);
            assertThat(other.isCancelled()).isFalse();
        }
    }

    @Test
    void cancelAfterCloseReturnsFalse() throws Exception {
        EventLoop loop = EventLoop.open();
        TimerHandle h = loop.schedule(Duration.ofHours(1), () -> { });
        loop.stop();
        loop.run();
        loop.close();
        assertThat(h.cancel()).as("cancel() of a timer its closed loop dropped").isFalse();
        assertThat(loop.pendingTimers()).isZero();
    }
}
