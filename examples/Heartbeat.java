import io.jselectors.loop.EventLoop;
import io.jselectors.loop.TimerHandle;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Repeating timers: a fixed-rate heartbeat that stops itself, and a fixed-delay poller cancelled from another thread. */
public class Heartbeat {
    public static void main(String[] args) throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            CompletableFuture<Integer> beats = new CompletableFuture<>();
            int[] n = {0};
            TimerHandle[] heartbeat = new TimerHandle[1];
            heartbeat[0] = loop.scheduleAtFixedRate(Duration.ZERO, Duration.ofMillis(20), () -> {
                long late = loop.time() - heartbeat[0].deadlineNanos(); // deadlines: first + k * 20 ms
                System.out.println("beat " + ++n[0] + (late >= 0 ? ", not early" : ", EARLY"));
                if (n[0] == 3) {
                    heartbeat[0].cancel();                               // from inside: this run is the last
                    beats.complete(n[0]);
                }
            });
            System.out.println("beats: " + loop.runUntil(beats));
            System.out.println("pending timers: " + loop.pendingTimers());

            int[] polls = {0};
            long start = loop.time();
            TimerHandle poller = loop.scheduleWithFixedDelay(Duration.ZERO, Duration.ofMillis(10), () -> polls[0]++);
            CompletableFuture<Boolean> cancelled = CompletableFuture.supplyAsync(poller::cancel,
                    CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS));   // another thread, 100 ms on
            System.out.println("poller cancelled from another thread: " + loop.runUntil(cancelled));
            System.out.println("polled: " + (polls[0] > 0) + ", after at least 100 ms: "
                    + (loop.time() - start >= TimeUnit.MILLISECONDS.toNanos(100)));
        }
    }
}
