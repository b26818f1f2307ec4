package io.jselectors.fd;

import static io.jselectors.internal.os.TimerFdSys.ITIMERSPEC;

import io.jselectors.ErrnoException;
import io.jselectors.internal.os.TimerFdSys;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.time.Instant;

/**
 * A Linux timerfd: a timer that makes its descriptor readable when it expires, so timers wait in the same
 * {@code select} as sockets. One-shot or periodic, on the monotonic, boot-time or real-time clock.
 *
 * <pre>{@code
 * try (Selector sel = Selector.open(); TimerFd timer = TimerFd.open(TimerFd.Clock.MONOTONIC)) {
 *     sel.register(timer, Selector.EVENT_READ);
 *     timer.schedule(Duration.ofMillis(10), Duration.ofMillis(10));   // every 10 ms
 *     sel.select(null);                                                 // readable when it expired
 *     long n = timer.expirations();                                     // how many times since the last read
 * }
 * }</pre>
 *
 * <p>The descriptor stays readable until {@link #expirations()} reads it. On macOS and the BSDs there is no
 * timerfd ({@link #isAvailable()} is false): a kqueue {@code EVFILT_TIMER} event does this job there.
 */
public final class TimerFd extends FdResource {
    /** The clock a timer counts on. */
    public enum Clock {
        /** {@code CLOCK_MONOTONIC}: steady, never set; stops while the machine is suspended. The usual choice. */
        MONOTONIC(TimerFdSys.CLOCK_MONOTONIC),
        /** {@code CLOCK_BOOTTIME}: steady, and counts time suspended. */
        BOOTTIME(TimerFdSys.CLOCK_BOOTTIME),
        /** {@code CLOCK_REALTIME}: wall-clock time; the only clock for {@link TimerFd#scheduleAt(Instant, Duration)}. */
        REALTIME(TimerFdSys.CLOCK_REALTIME);

        final int id;

        Clock(int id) {
            this.id = id;
        }
    }

    private final Clock clock;
    /** The itimerspec passed to settime and filled by gettime; lives as long as this object. */
    private final MemorySegment spec = Arena.ofAuto().allocate(ITIMERSPEC);

    private TimerFd(int fd, Clock clock) {
        super("timerfd", fd);
        this.clock = clock;
    }

    /**
     * Whether this platform has timerfd (Linux).
     *
     * @return true on Linux
     */
    public static boolean isAvailable() {
        return TimerFdSys.isAvailable();
    }

    /**
     * Opens a disarmed timer (non-blocking, close-on-exec).
     *
     * @param clock the clock it counts on
     * @return the timer
     * @throws ErrnoException                on EMFILE, ENFILE, ...
     * @throws UnsupportedOperationException where there is no timerfd ({@link #isAvailable()})
     */
    public static TimerFd open(Clock clock) throws IOException {
        if (!isAvailable()) {
            throw unavailable("timerfd", "EVFILT_TIMER");
        }
        try {
            return new TimerFd(TimerFdSys.create(clock.id, TimerFdSys.TFD_NONBLOCK | TimerFdSys.TFD_CLOEXEC), clock);
        } catch (ErrnoException e) {
            throw withFdHint(e);
        }
    }

    /**
     * Returns the clock.
     *
     * @return the clock this timer counts on
     */
    public Clock clock() {
        return clock;
    }

    /**
     * Arms the timer to expire once, {@code delay} from now. Replaces any earlier schedule and its
     * unread expirations.
     *
     * @param delay how long from now, positive
     * @throws IllegalArgumentException if {@code delay} is zero or negative
     * @throws IOException              if closed, or on an error from timerfd_settime
     */
    public void scheduleOnce(Duration delay) throws IOException {
        schedule(delay, Duration.ZERO);
    }

    /**
     * Arms the timer: first expiry {@code delay} from now, then every {@code period} ({@link Duration#ZERO}:
     * once). Replaces any earlier schedule and its unread expirations.
     *
     * @param delay  how long from now to the first expiry, positive
     * @param period the time between later expiries, or zero for a one-shot timer
     * @throws IllegalArgumentException if {@code delay} is not positive or {@code period} is negative
     * @throws IOException              if closed, or on an error from timerfd_settime
     */
    public void schedule(Duration delay, Duration period) throws IOException {
        if (delay.isZero() || delay.isNegative()) {
            throw new IllegalArgumentException("delay " + delay + " must be positive (disarm() stops a timer)");
        }
        set(delay, period, 0);
    }

    /**
     * Arms a {@link Clock#REALTIME} timer to expire at a wall-clock time, then every {@code period}. If the
     * system clock is set forward past {@code when}, the timer expires then. A time already past expires at once.
     *
     * @param when   the wall-clock time of the first expiry
     * @param period the time between later expiries, or zero for once
     * @throws IllegalStateException    if this timer's clock is not {@link Clock#REALTIME}
     * @throws IllegalArgumentException if {@code period} is negative or {@code when} is before 1970
     * @throws IOException              if closed, or on an error from timerfd_settime
     */
    public void scheduleAt(Instant when, Duration period) throws IOException {
        if (clock != Clock.REALTIME) {
            throw new IllegalStateException("scheduleAt needs a Clock.REALTIME timer; this one counts on " + clock
                    + ", which has no wall-clock time: use schedule(Duration, Duration)");
        }
        if (when.getEpochSecond() < 0 || (when.getEpochSecond() == 0 && when.getNano() == 0)) {
            throw new IllegalArgumentException("when " + when + " must be after 1970-01-01T00:00:00Z");
        }
        set(Duration.ofSeconds(when.getEpochSecond(), when.getNano()), period, TimerFdSys.TFD_TIMER_ABSTIME);
    }

    /**
     * Stops the timer. Expirations not yet read are dropped.
     *
     * @throws IOException if closed, or on an error from timerfd_settime
     */
    public void disarm() throws IOException {
        spec.fill((byte) 0);
        TimerFdSys.settime(liveFd("timerfd disarm"), 0, spec);
    }

    /**
     * Returns the time left to the next expiry.
     *
     * @return the time left, or {@link Duration#ZERO} when the timer is disarmed (or a one-shot timer has expired)
     * @throws IOException if closed, or on an error from timerfd_gettime
     */
    public Duration remaining() throws IOException {
        TimerFdSys.gettime(liveFd("timerfd remaining"), spec);
        return timespec(TimerFdSys.IT_VALUE);
    }

    /**
     * Returns the period.
     *
     * @return the time between expiries, or {@link Duration#ZERO} for a one-shot or disarmed timer
     * @throws IOException if closed, or on an error from timerfd_gettime
     */
    public Duration period() throws IOException {
        TimerFdSys.gettime(liveFd("timerfd period"), spec);
        return timespec(TimerFdSys.IT_INTERVAL);
    }

    /**
     * Reads how many times the timer expired since the last read, and makes it unreadable until the next expiry.
     *
     * @return the count, or 0 when it has not expired since (select for reading to wait)
     * @throws IOException if closed, or on an error from read
     */
    public long expirations() throws IOException {
        return readCount("timerfd expirations");
    }

    private void set(Duration value, Duration period, int flags) throws IOException {
        if (period.isNegative()) {
            throw new IllegalArgumentException("period " + period + " must be zero (once) or positive");
        }
        putTimespec(TimerFdSys.IT_INTERVAL, period);
        putTimespec(TimerFdSys.IT_VALUE, value);
        TimerFdSys.settime(liveFd("timerfd schedule"), flags, spec);
    }

    private void putTimespec(long offset, Duration d) {
        spec.set(ValueLayout.JAVA_LONG, offset + TimerFdSys.TV_SEC, d.getSeconds());
        spec.set(ValueLayout.JAVA_LONG, offset + TimerFdSys.TV_NSEC, d.getNano());
    }

    private Duration timespec(long offset) {
        return Duration.ofSeconds(spec.get(ValueLayout.JAVA_LONG, offset + TimerFdSys.TV_SEC),
                spec.get(ValueLayout.JAVA_LONG, offset + TimerFdSys.TV_NSEC));
    }
}
