import io.jselectors.Selector;
import io.jselectors.fd.EventFd;
import java.time.Duration;

/** An eventfd as a counter another thread adds to, and as a semaphore. */
public class Counter {
    public static void main(String[] args) throws Exception {
        if (!EventFd.isAvailable()) {
            System.out.println("no eventfd here (Linux only; on kqueue systems EVFILT_USER does this)");
            return;
        }
        try (Selector sel = Selector.open(); EventFd counter = EventFd.open(0)) {
            sel.register(counter, Selector.EVENT_READ, "counter");
            Thread producer = Thread.ofPlatform().start(() -> {
                try {
                    counter.add(2);
                    counter.add(3);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            producer.join();                               // both adds are in before we look
            System.out.println("ready: " + sel.select(Duration.ofSeconds(5)).size());
            System.out.println("took: " + counter.take()); // the whole count: 5
            System.out.println("took again: " + counter.take() + " (nothing left)");
        }
        try (EventFd sem = EventFd.openSemaphore(2)) {
            System.out.println("semaphore: " + sem.take() + ", " + sem.take() + ", then " + sem.take());
        }
    }
}
