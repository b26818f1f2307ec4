package io.jselectors;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.internal.os.Unistd;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void pipePing() throws Exception {
        try (Arena arena = Arena.ofConfined(); Selector sel = Selector.open()) {
            MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, 2);
            Unistd.pipe2(fds, Unistd.O_NONBLOCK | Unistd.O_CLOEXEC);
            int r = fds.getAtIndex(ValueLayout.JAVA_INT, 0), w = fds.getAtIndex(ValueLayout.JAVA_INT, 1);
            sel.register(r, Selector.EVENT_READ, "reader");
            assertThat(sel.select(Duration.ZERO)).isEmpty();
            Unistd.write(w, arena.allocateFrom("ping"));
            List<ReadyEvent> ready = sel.select(Duration.ofSeconds(1));
            assertThat(ready).hasSize(1);
            assertThat(ready.get(0).key().data()).isEqualTo("reader");
            Unistd.close(r);
            Unistd.close(w);
        }
    }
}
