package io.jselectors.loop;

/**
 * How a repeating timer repeats ({@link EventLoop#scheduleAtFixedRate},
 * {@link EventLoop#scheduleWithFixedDelay}), and its one run: the callback, then the next deadline. The
 * loop puts the same {@link TimerHandle} back into its heap with that deadline, so a run allocates
 * nothing. Loop thread only; immutable.
 *
 * <p>Fixed rate: the deadlines are {@code first + n * period}, and a run starts at or after its deadline,
 * never before. After a run the next deadline is the first of those points later than the moment the
 * callback returned: when the loop fell behind by more than a period (a slow callback, a long round, a
 * pause), the points already past are skipped, not run back to back. Fixed delay: the next deadline is
 * the moment the callback returned plus the delay.
 */
final class RepeatingTimer {
    private final long period;
    private final boolean fixedRate;

    private RepeatingTimer(long period, boolean fixedRate) {
        this.period = period;
        this.fixedRate = fixedRate;
    }

    /** @throws IllegalArgumentException unless periodNanos is positive */
    static RepeatingTimer atFixedRate(long periodNanos) {
        return new RepeatingTimer(checkPositive(periodNanos, "period"), true);
    }

    /** @throws IllegalArgumentException unless delayNanos is positive */
    static RepeatingTimer withFixedDelay(long delayNanos) {
        return new RepeatingTimer(checkPositive(delayNanos, "delay"), false);
    }

    private static long checkPositive(long nanos, String what) {
        if (nanos <= 0) {
            throw new IllegalArgumentException("a repeating timer's " + what + " must be positive; got "
                    + nanos + " ns (for one run use schedule(delay, callback))");
        }
        return nanos;
    }

    /**
     * Runs one due timer (taken off the heap): the callback, whose failure goes to the exception handler
     * and does not stop the timer.
     *
     * @return true to put the timer back into the heap at its {@link #next} deadline; false if it was
     *     cancelled (before or during the run)
     */
    boolean run(TimerHandle h, LoopErrors errors) {
        if (!h.startRun()) {
            return false;
        }
        errors.run(h.callback(), "repeating timer callback");
        return h.endRun();
    }

    /** @return the deadline after the one at {@code deadline}, whose run ended at {@code now} */
    long next(long deadline, long now) {
        if (!fixedRate) {
            return now + period;
        }
        long next = deadline + period;
        if (next - now <= 0) {
            // Fell behind by a period or more: skip to the first point of the grid after now.
            long passed = (now - deadline) / period;
            next = deadline + (passed + 1) * period;
        }
        return next;
    }

    @Override
    public String toString() {
        return (fixedRate ? "every " : "delay ") + period / 1000 + " µs";
    }
}
