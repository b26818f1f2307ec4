package io.jselectors.internal.os;

import static io.jselectors.internal.os.Native.C_INT;
import static io.jselectors.internal.os.Native.C_POINTER;

import io.jselectors.ErrnoException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/** Linux {@code timerfd_create}, {@code timerfd_settime} and {@code timerfd_gettime} ({@code <sys/timerfd.h>}). */
public final class TimerFdSys {
    private static final AbiTable OS = Abi.CURRENT;

    // Values from the running platform's table (LinuxTables: <sys/timerfd.h>, <bits/time.h>); 0 where it has
    // no timerfd, which is then never linked.
    /** {@code CLOCK_REALTIME}: wall-clock time, which settimeofday and NTP steps may change. */
    public static final int CLOCK_REALTIME = OS.constantOr("CLOCK_REALTIME", 0);
    /** {@code CLOCK_MONOTONIC}: never set, does not count suspend. */
    public static final int CLOCK_MONOTONIC = OS.constantOr("CLOCK_MONOTONIC", 0);
    /** {@code CLOCK_BOOTTIME}: monotonic, and counts time suspended. */
    public static final int CLOCK_BOOTTIME = OS.constantOr("CLOCK_BOOTTIME", 0);
    /** {@code TFD_NONBLOCK}. */
    public static final int TFD_NONBLOCK = OS.constantOr("TFD_NONBLOCK", 0);
    /** {@code TFD_CLOEXEC}. */
    public static final int TFD_CLOEXEC = OS.constantOr("TFD_CLOEXEC", 0);
    /** {@code TFD_TIMER_ABSTIME}: the first expiry is an absolute time on the timer's clock. */
    public static final int TFD_TIMER_ABSTIME = OS.constantOr("TFD_TIMER_ABSTIME", 0);

    /** {@code struct timespec} (LP64: two longs), checked against the table where it has timerfd. */
    public static final StructLayout TIMESPEC = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("tv_sec"), ValueLayout.JAVA_LONG.withName("tv_nsec"));
    /** {@code struct itimerspec}: the period ({@code it_interval}), then the first expiry ({@code it_value}). */
    public static final StructLayout ITIMERSPEC = MemoryLayout.structLayout(
            TIMESPEC.withName("it_interval"), TIMESPEC.withName("it_value"));
    /** Offset of {@code it_interval} in {@link #ITIMERSPEC}. */
    public static final long IT_INTERVAL = OS.offsetOfOr("itimerspec.it_interval", 0);
    /** Offset of {@code it_value} in {@link #ITIMERSPEC}. */
    public static final long IT_VALUE = OS.offsetOfOr("itimerspec.it_value", (int) TIMESPEC.byteSize());
    /** Offset of {@code tv_sec} in {@link #TIMESPEC}. */
    public static final long TV_SEC = OS.offsetOfOr("timespec.tv_sec", 0);
    /** Offset of {@code tv_nsec} in {@link #TIMESPEC}. */
    public static final long TV_NSEC = OS.offsetOfOr("timespec.tv_nsec", 8);

    static {
        if (OS.hasFunction("timerfd_create")) {
            OS.checkSize(TIMESPEC, "timespec");
            OS.checkSize(ITIMERSPEC, "itimerspec");
        }
    }

    private static final Optional<MethodHandle> CREATE =
            Native.platformDowncall(OS, "timerfd_create", FunctionDescriptor.of(C_INT, C_INT, C_INT));
    private static final Optional<MethodHandle> SETTIME = Native.platformDowncall(OS, "timerfd_settime",
            FunctionDescriptor.of(C_INT, C_INT, C_INT, C_POINTER, C_POINTER));
    private static final Optional<MethodHandle> GETTIME =
            Native.platformDowncall(OS, "timerfd_gettime", FunctionDescriptor.of(C_INT, C_INT, C_POINTER));

    private TimerFdSys() {}

    /** @return true where the C library has timerfd (Linux) */
    public static boolean isAvailable() {
        return Platform.isLinux() && CREATE.isPresent() && SETTIME.isPresent() && GETTIME.isPresent();
    }

    /**
     * {@code timerfd_create}.
     *
     * @param clock one of the {@code CLOCK_} constants
     * @param flags {@link #TFD_NONBLOCK}, {@link #TFD_CLOEXEC}
     * @return the new descriptor
     * @throws ErrnoException on EMFILE, EINVAL (unknown clock), ...
     */
    public static int create(int clock, int flags) throws ErrnoException {
        MemorySegment st = Native.errnoState();
        int fd;
        try {
            fd = (int) Native.require(CREATE, "timerfd_create").invokeExact(st, clock, flags);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        if (fd < 0) {
            throw Native.error("timerfd_create(clock=" + clock + ")", st);
        }
        return fd;
    }

    /**
     * {@code timerfd_settime}.
     *
     * @param fd       the timer
     * @param flags    0 or {@link #TFD_TIMER_ABSTIME}
     * @param newValue an {@link #ITIMERSPEC}
     * @throws ErrnoException on EINVAL (nanoseconds out of range), ...
     */
    public static void settime(int fd, int flags, MemorySegment newValue) throws ErrnoException {
        check(newValue);
        MemorySegment st = Native.errnoState();
        int r;
        try {
            r = (int) Native.require(SETTIME, "timerfd_settime").invokeExact(st, fd, flags, newValue, MemorySegment.NULL);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        if (r < 0) {
            throw Native.error("timerfd_settime", fd, st);
        }
    }

    /**
     * {@code timerfd_gettime}: the time to the next expiry and the period.
     *
     * @param fd       the timer
     * @param curValue an {@link #ITIMERSPEC} to fill
     * @throws ErrnoException on EBADF, EINVAL
     */
    public static void gettime(int fd, MemorySegment curValue) throws ErrnoException {
        check(curValue);
        MemorySegment st = Native.errnoState();
        int r;
        try {
            r = (int) Native.require(GETTIME, "timerfd_gettime").invokeExact(st, fd, curValue);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        if (r < 0) {
            throw Native.error("timerfd_gettime", fd, st);
        }
    }

    private static void check(MemorySegment spec) {
        if (spec.byteSize() < ITIMERSPEC.byteSize()) {
            throw new IllegalArgumentException("an itimerspec needs " + ITIMERSPEC.byteSize() + " bytes, got " + spec.byteSize());
        }
    }
}
