package io.jselectors.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The timer heap against a sorted list: random deadlines, ties, and removals from anywhere. */
class TimerHeapTest {
    @Test
    void pollsInDeadlineThenSchedulingOrderWithRandomRemovals() throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            Random rnd = new Random(42);
            TimerHeap heap = new TimerHeap();
            List<TimerHandle> expected = new ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                // Few distinct deadlines, so that ties are common.
                TimerHandle h = new TimerHandle(loop, rnd.nextInt(200), i, () -> {}, null);
                heap.add(h);
                heap.add(h); // adding twice is a no-op
                expected.add(h);
                if (rnd.nextInt(3) == 0) {
                    TimerHandle gone = expected.remove(rnd.nextInt(expected.size()));
                    heap.remove(gone);
                    heap.remove(gone); // removing twice is a no-op
                    assertThat(gone.heapIndex).isEqualTo(-1);
                }
            }
            assertThat(heap.size()).isEqualTo(expected.size());
            expected.sort(Comparator.comparingLong(TimerHandle::deadlineNanos).thenComparingLong(TimerHandle::sequence));
            List<TimerHandle> polled = new ArrayList<>();
            TimerHandle h;
            while ((h = heap.poll()) != null) {
                polled.add(h);
            }
            assertThat(polled).containsExactlyElementsOf(expected);
            assertThat(heap.peek()).isNull();
        }
    }
}
