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

/**
 * Linux epoll: constants, the {@code struct epoll_event} layout of this CPU, and the downcalls; values
 * from {@link Abi#CURRENT}.
 *
 * <p>{@code struct epoll_event} is packed on x86_64 (12 bytes, data at offset 4) and naturally
 * aligned elsewhere (16 bytes, data at offset 8). On a platform whose table has no epoll (macOS, FreeBSD)
 * the constants are 0, {@link #isAvailable()} is false, and no epoll symbol is ever looked up.
 */
public final class Epoll {
    private static final AbiTable OS = Abi.CURRENT;
    private static final boolean HAS_EPOLL = OS.hasFunction("epoll_create1");

    /** Readable. */
    public static final int EPOLLIN = OS.constantOr("EPOLLIN", 0);
    /** Urgent data. */
    public static final int EPOLLPRI = OS.constantOr("EPOLLPRI", 0);
    /** Writable. */
    public static final int EPOLLOUT = OS.constantOr("EPOLLOUT", 0);
    /** Error; always reported. */
    public static final int EPOLLERR = OS.constantOr("EPOLLERR", 0);
    /** Hang-up; always reported. */
    public static final int EPOLLHUP = OS.constantOr("EPOLLHUP", 0);
    /** Peer closed its writing half. */
    public static final int EPOLLRDHUP = OS.constantOr("EPOLLRDHUP", 0);
    /** Edge-triggered. */
    public static final int EPOLLET = OS.constantOr("EPOLLET", 0);

    /** Add an fd. */
    public static final int EPOLL_CTL_ADD = OS.constantOr("EPOLL_CTL_ADD", 0);
    /** Remove an fd. */
    public static final int EPOLL_CTL_DEL = OS.constantOr("EPOLL_CTL_DEL", 0);
    /** Change an fd's events. */
    public static final int EPOLL_CTL_MOD = OS.constantOr("EPOLL_CTL_MOD", 0);
    /** epoll_create1 flag: close on exec. */
    public static final int EPOLL_CLOEXEC = OS.constantOr("EPOLL_CLOEXEC", 0);

    private static final long EVENTS_OFFSET = 0;
    private static final long DATA_OFFSET = OS.offsetOfOr("epoll_event.data", 8);
    /** {@code struct epoll_event} for this CPU (the aligned layout where there is no epoll). */
    public static final StructLayout EVENT = DATA_OFFSET == 4
            ? MemoryLayout.structLayout(
                    ValueLayout.JAVA_INT.withName("events"),
                    ValueLayout.JAVA_LONG_UNALIGNED.withName("data"))
                    .withByteAlignment(4)
            : MemoryLayout.structLayout(
                    ValueLayout.JAVA_INT.withName("events"),
                    MemoryLayout.paddingLayout(4),
                    ValueLayout.JAVA_LONG.withName("data"));
    /** Size of one {@code struct epoll_event}. */
    public static final long EVENT_SIZE = EVENT.byteSize();

    /** {@code struct timespec} for epoll_pwait2. */
    public static final StructLayout TIMESPEC =
            MemoryLayout.structLayout(ValueLayout.JAVA_LONG.withName("tv_sec"), ValueLayout.JAVA_LONG.withName("tv_nsec"));

    static {
        if (HAS_EPOLL) {
            OS.checkSize(EVENT, "epoll_event");
        }
        OS.checkSize(TIMESPEC, "timespec");
    }

    private static final Optional<MethodHandle> CREATE1 =
            linkIfListed("epoll_create1", FunctionDescriptor.of(C_INT, C_INT));
    private static final FunctionDescriptor CTL_C = FunctionDescriptor.of(C_INT, C_INT, C_INT, C_INT, C_POINTER);
    private static final FunctionDescriptor WAIT_C = FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_INT, C_INT);
    private static final FunctionDescriptor PWAIT2_C =
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_INT, C_POINTER, C_POINTER);
    private static final Optional<MethodHandle> CTL_LINKED = linkIfListed("epoll_ctl", CTL_C);
    // epoll_wait as epoll_pwait with no signal mask through syscall(2) where the table has its number (no
    // cancellation point; see Native.withoutCancellation). With no mask the kernel reads no mask size: 0.
    private static final Optional<MethodHandle> WAIT_LINKED = OS.hasFunction("epoll_wait")
            ? Optional.of(Native.withoutCancellation(OS, "SYS_epoll_pwait", "epoll_wait", WAIT_C, MemorySegment.NULL, 0L))
            : Optional.empty();
    private static final Optional<MethodHandle> PWAIT2_LINKED = linkIfListed("epoll_pwait2", PWAIT2_C);
    // The calls of every select and interest change, as constants the JIT inlines (see Native.orUnavailable).
    private static final MethodHandle CTL = Native.orUnavailable(CTL_LINKED, "epoll_ctl", CTL_C, true);
    private static final MethodHandle WAIT = Native.orUnavailable(WAIT_LINKED, "epoll_wait", WAIT_C, true);
    private static final MethodHandle PWAIT2 = Native.orUnavailable(PWAIT2_LINKED, "epoll_pwait2", PWAIT2_C, true);

    /** Whether the kernel (not only the C library) has epoll_pwait2; probed once. */
    private static final boolean PWAIT2_WORKS = probePwait2();

    private Epoll() {}

    /** @return true on Linux with epoll in the C library */
    public static boolean isAvailable() {
        return HAS_EPOLL && CREATE1.isPresent() && CTL_LINKED.isPresent() && WAIT_LINKED.isPresent();
    }

    /** @return true when epoll_pwait2 (nanosecond timeouts, Linux 5.11+) can be used */
    public static boolean hasPwait2() {
        return PWAIT2_WORKS;
    }

    /**
     * Creates an epoll instance.
     *
     * @param flags 0 or {@link #EPOLL_CLOEXEC}
     * @return its descriptor
     * @throws ErrnoException on EMFILE, ENFILE, ENOMEM
     */
    public static int create1(int flags) throws ErrnoException {
        MemorySegment st = Native.errnoState();
        int fd;
        try {
            fd = (int) CREATE1.orElseThrow().invokeExact(st, flags);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        if (fd < 0) {
            throw Native.error("epoll_create1", st);
        }
        return fd;
    }

    /**
     * Adds, changes or removes an fd.
     *
     * @param epfd   the epoll descriptor
     * @param op     {@link #EPOLL_CTL_ADD}, {@link #EPOLL_CTL_MOD} or {@link #EPOLL_CTL_DEL}
     * @param fd     the watched descriptor
     * @param event  one {@code struct epoll_event} holding the events and data (ignored for DEL)
     * @throws ErrnoException e.g. {@code "epoll_ctl(ADD, fd=7): EBADF (Bad file descriptor)"}
     */
    public static void ctl(int epfd, int op, int fd, MemorySegment event) throws ErrnoException {
        int r = ctlRaw(epfd, op, fd, event);
        if (r != 0) {
            throw Errno.exception("epoll_ctl(" + opName(op) + ", fd=" + fd + ")", r);
        }
    }

    /**
     * Like {@link #ctl} but returns the errno instead of throwing, for callers that expect some errors.
     *
     * @return 0 on success, else the errno value
     */
    public static int ctlRaw(int epfd, int op, int fd, MemorySegment event) {
        if (event.byteSize() < EVENT_SIZE) {
            throw new IllegalArgumentException("epoll_event needs " + EVENT_SIZE + " bytes");
        }
        MemorySegment st = Native.errnoState();
        int r;
        try {
            r = (int) CTL.invokeExact(st, epfd, op, fd, event);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        return r < 0 ? Native.errno(st) : 0;
    }

    /**
     * Waits for events, with a millisecond timeout.
     *
     * @param epfd      the epoll descriptor
     * @param events    an array of {@code struct epoll_event}; its size bounds how many are returned
     * @param timeoutMs -1 blocks, 0 returns at once
     * @return how many events were stored, or -1 when interrupted (EINTR)
     * @throws ErrnoException on other errors
     */
    public static int waitMillis(int epfd, MemorySegment events, int timeoutMs) throws ErrnoException {
        int max = capacity(events);
        MemorySegment st = Native.errnoState();
        int n;
        try {
            n = (int) WAIT.invokeExact(st, epfd, events, max, timeoutMs);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        return n >= 0 ? n : interruptedOrThrow("epoll_wait", epfd, st);
    }

    /**
     * Waits for events, with a nanosecond timeout (epoll_pwait2; check {@link #hasPwait2()} first).
     *
     * @param epfd     the epoll descriptor
     * @param events   an array of {@code struct epoll_event}
     * @param timespec a {@link #TIMESPEC} holding the timeout, or {@code MemorySegment.NULL} to block
     * @return how many events were stored, or -1 when interrupted (EINTR)
     * @throws ErrnoException on other errors
     */
    public static int pwait2(int epfd, MemorySegment events, MemorySegment timespec) throws ErrnoException {
        int max = capacity(events);
        if (!timespec.equals(MemorySegment.NULL) && timespec.byteSize() < TIMESPEC.byteSize()) {
            throw new IllegalArgumentException("timespec needs " + TIMESPEC.byteSize() + " bytes");
        }
        MemorySegment st = Native.errnoState();
        int n;
        try {
            n = (int) PWAIT2.invokeExact(st, epfd, events, max, timespec, MemorySegment.NULL);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        return n >= 0 ? n : interruptedOrThrow("epoll_pwait2", epfd, st);
    }

    /** @return the events field of entry {@code i} */
    public static int events(MemorySegment array, int i) {
        return array.get(ValueLayout.JAVA_INT_UNALIGNED, i * EVENT_SIZE + EVENTS_OFFSET);
    }

    /** @return the data field of entry {@code i} */
    public static long data(MemorySegment array, int i) {
        return array.get(ValueLayout.JAVA_LONG_UNALIGNED, i * EVENT_SIZE + DATA_OFFSET);
    }

    /** Fills entry {@code i} with events and data. */
    public static void set(MemorySegment array, int i, int events, long data) {
        array.set(ValueLayout.JAVA_INT_UNALIGNED, i * EVENT_SIZE + EVENTS_OFFSET, events);
        array.set(ValueLayout.JAVA_LONG_UNALIGNED, i * EVENT_SIZE + DATA_OFFSET, data);
    }

    /** Stores a non-negative wait in nanoseconds into a {@link #TIMESPEC}. */
    public static void setTimespec(MemorySegment timespec, long nanos) {
        timespec.set(ValueLayout.JAVA_LONG, 0, nanos / 1_000_000_000L);
        timespec.set(ValueLayout.JAVA_LONG, 8, nanos % 1_000_000_000L);
    }

    private static String opName(int op) {
        return op == EPOLL_CTL_ADD ? "ADD" : op == EPOLL_CTL_DEL ? "DEL" : op == EPOLL_CTL_MOD ? "MOD" : "op " + op;
    }

    private static Optional<MethodHandle> linkIfListed(String symbol, FunctionDescriptor fd) {
        return OS.hasFunction(symbol) ? Native.downcallIfPresent(symbol, fd) : Optional.empty();
    }

    private static int capacity(MemorySegment events) {
        long n = events.byteSize() / EVENT_SIZE;
        if (n < 1) {
            throw new IllegalArgumentException("the event array holds no epoll_event");
        }
        return (int) Math.min(n, Integer.MAX_VALUE);
    }

    private static int interruptedOrThrow(String call, int epfd, MemorySegment st) throws ErrnoException {
        if (Native.errno(st) == Errno.EINTR) {
            return -1;
        }
        throw Native.error(call, epfd, st);
    }

    private static boolean probePwait2() {
        if (PWAIT2_LINKED.isEmpty()) {
            return false;
        }
        // On an invalid epfd a kernel with the call answers EBADF; one without answers ENOSYS.
        MemorySegment st = Native.errnoState();
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment ev = arena.allocate(EVENT);
            MemorySegment ts = arena.allocate(TIMESPEC);
            int n = (int) PWAIT2.invokeExact(st, -1, ev, 1, ts, MemorySegment.NULL);
            return n >= 0 || Native.errno(st) != Errno.ENOSYS;
        } catch (Throwable t) {
            return false;
        }
    }
}
