import io.jselectors.ReadyEvent;
import io.jselectors.Selector;
import io.jselectors.fd.TimerFd;
import java.time.Duration;
import java.time.Instant;

/** Timers in the same select as anything else: a periodic monotonic one, a one-shot, and a wall-clock one. */
public class Ticker {
    public static void main(String[] args) throws Exception {
        if (!TimerFd.isAvailable()) {
            System.out.println("no timerfd here (Linux only; on kqueue systems EVFILT_TIMER does this)");
            return;
        }
        try (Selector sel = Selector.open();
             TimerFd ticker = TimerFd.open(TimerFd.Clock.MONOTONIC);
             TimerFd once = TimerFd.open(TimerFd.Clock.MONOTONIC);
             TimerFd wall = TimerFd.open(TimerFd.Clock.REALTIME)) {
            sel.register(ticker, Selector.EVENT_READ, "ticker");
            sel.register(once, Selector.EVENT_READ, "once");
            sel.register(wall, Selector.EVENT_READ, "wall");
            ticker.schedule(Duration.ofMillis(20), Duration.ofMillis(20));
            once.scheduleOnce(Duration.ofMillis(30));
            wall.scheduleAt(Instant.now().plusMillis(40), Duration.ZERO);
            long ticks = 0;
            boolean onceFired = false;
            boolean wallFired = false;
            while (ticks < 5 || !onceFired || !wallFired) {
                for (ReadyEvent ev : sel.select(Duration.ofSeconds(5))) {
                    TimerFd t = (TimerFd) ev.key().fileobj();
                    long n = t.expirations();               // how often it expired since the last read
                    if (t == ticker) {
                        ticks += n;
                    } else if (t == once && n > 0 && !onceFired) {
                        onceFired = true;
                        System.out.println("one-shot fired; remaining now " + once.remaining());
                    } else if (t == wall && n > 0 && !wallFired) {
                        wallFired = true;
                        System.out.println("wall-clock timer fired");
                    }
                }
            }
            System.out.println("ticker period " + ticker.period() + ", at least 5 ticks: " + (ticks >= 5));
            ticker.disarm();
            System.out.println("disarmed; remaining " + ticker.remaining());
        }
    }
}
