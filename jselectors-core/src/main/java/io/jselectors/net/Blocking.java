package io.jselectors.net;

import io.jselectors.Readiness;
import io.jselectors.Selectable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Time limits of the blocking-style methods: one deadline per call, waits through {@link Readiness}. */
final class Blocking {
    /** A timeout of no limit. */
    static final long NO_LIMIT = Long.MAX_VALUE;

    private Blocking() {}

    /** @return the timeout in nanoseconds: {@link #NO_LIMIT} for null, 0 for zero or negative */
    static long nanos(Duration timeout) {
        if (timeout == null) {
            return NO_LIMIT;
        }
        if (timeout.isNegative() || timeout.isZero()) {
            return 0;
        }
        return timeout.getSeconds() >= Long.MAX_VALUE / 4_000_000_000L ? NO_LIMIT : timeout.toNanos();
    }

    /**
     * Waits until the file is ready for {@code events} or the time since {@code start} reaches {@code nanos}.
     *
     * @return false when the time is up
     */
    static boolean await(Selectable file, int events, long start, long nanos) throws IOException {
        long left = NO_LIMIT;
        if (nanos != NO_LIMIT) {
            left = nanos - (System.nanoTime() - start);
            if (left <= 0) {
                return false;
            }
        }
        return Readiness.await(file, events, left, TimeUnit.NANOSECONDS) != 0;
    }
}
