package io.jselectors;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** "a select timeout ... rounds up to the backend's granularity": the millisecond rounding of poll and epoll_wait. */
class TimeoutRoundingTest {
    @Test
    void nanosRoundUpToWholeMilliseconds() {
        assertThat(BaseSelector.toMillis(BaseSelector.BLOCK)).isEqualTo(-1);
        assertThat(BaseSelector.toMillis(0)).isZero();
        assertThat(BaseSelector.toMillis(1)).isEqualTo(1);
        assertThat(BaseSelector.toMillis(999_999)).isEqualTo(1);
        assertThat(BaseSelector.toMillis(1_000_000)).isEqualTo(1);
        assertThat(BaseSelector.toMillis(1_000_001)).isEqualTo(2);
        assertThat(BaseSelector.toMillis(1_500_000_000L)).isEqualTo(1500);
        assertThat(BaseSelector.toMillis(Long.MAX_VALUE)).isEqualTo(Integer.MAX_VALUE);
        assertThat(BaseSelector.toMillis((Integer.MAX_VALUE + 1L) * 1_000_000L)).isEqualTo(Integer.MAX_VALUE);
    }
}
