package io.jselectors.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The sizes and durations the flags take, and the numbers the stats line prints. */
class UnitsTest {
    @Test
    void sizes() {
        assertThat(Units.parseSize("65536")).isEqualTo(65536);
        assertThat(Units.parseSize("256k")).isEqualTo(256 * 1024);
        assertThat(Units.parseSize("256KiB")).isEqualTo(256 * 1024);
        assertThat(Units.parseSize("4m")).isEqualTo(4L << 20);
        assertThat(Units.parseSize("1G")).isEqualTo(1L << 30);
        assertThatThrownBy(() -> Units.parseSize("lots")).hasMessageContaining("not a size");
        assertThatThrownBy(() -> Units.parseSize("-1k")).hasMessageContaining("not a size");
        assertThatThrownBy(() -> Units.parseSize("99999999999999g")).hasMessageContaining("too large");
    }

    @Test
    void durations() {
        assertThat(Units.parseDuration("30")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Units.parseDuration("1.5")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Units.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Units.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Units.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> Units.parseDuration("soon")).hasMessageContaining("not a duration");
    }

    @Test
    void humanSizes() {
        assertThat(EchoStats.human(0)).isEqualTo("0B");
        assertThat(EchoStats.human(1536)).isEqualTo("1.5KiB");
        assertThat(EchoStats.human(64L << 20)).isEqualTo("64.0MiB");
    }
}
