package io.jselectors.internal.os;

import static io.jselectors.internal.os.Native.C_INT;
import static io.jselectors.internal.os.Native.C_POINTER;

import io.jselectors.ErrnoException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Optional;

/**
 * kqueue: constants, the {@code struct kevent} layout of this platform, and the downcalls.
 *
 * <p>kqueue comes from the C library on macOS and FreeBSD. On any platform the system property
 * {@value #LIBRARY_PROPERTY} (or, if unset, the environment variable {@value #LIBRARY_ENV}) names a
 * shared library to take {@code kqueue}/{@code kevent} from instead: a user-space kqueue such as
 * libkqueue on Linux. That library is loaded once and never unloaded (unloading it while a kqueue
 * lives crashes the process).
 */
public final class Kqueue {
    /** The system property naming a kqueue library to load. */
    public static final String LIBRARY_PROPERTY = "jselectors.kqueue.library";
    /** The environment variable naming a kqueue library, when the property is unset. */
    public static final String LIBRARY_ENV = "JSELECTORS_KQUEUE_LIBRARY";

    /** Where the C library has kqueue: macOS, FreeBSD. */
    private static final boolean IN_C_LIBRARY = Abi.CURRENT.hasFunction("kevent");
    private static final Library LIBRARY = Library.find();

    /** The kqueue facts: the C library's on macOS and FreeBSD, libkqueue's on Linux. */
    private static final AbiTable KQ = Abi.KQUEUE;

    /** Readable (filter). */
    public static final short EVFILT_READ = (short) KQ.constant("EVFILT_READ");
    /** Writable (filter). */
    public static final short EVFILT_WRITE = (short) KQ.constant("EVFILT_WRITE");
    /** User-triggered event (filter): -10 on macOS, -11 on FreeBSD and in libkqueue. */
    public static final short EVFILT_USER = (short) KQ.constant("EVFILT_USER");
    /** Add the event (implies enable). */
    public static final int EV_ADD = KQ.constant("EV_ADD");
    /** Delete the event. */
    public static final int EV_DELETE = KQ.constant("EV_DELETE");
    /** Reset the state after the event is retrieved. */
    public static final int EV_CLEAR = KQ.constant("EV_CLEAR");
    /** Report every change's result as an EV_ERROR entry (data 0 on success) instead of waiting. */
    public static final int EV_RECEIPT = KQ.constant("EV_RECEIPT");
    /** Error; data holds the errno. */
    public static final int EV_ERROR = KQ.constant("EV_ERROR");
    /** End of file or hang-up. */
    public static final int EV_EOF = KQ.constant("EV_EOF");
    /** EVFILT_USER: trigger the event. */
    public static final int NOTE_TRIGGER = KQ.constant("NOTE_TRIGGER");

    /** Size of {@code struct kevent}: 32 on macOS and in libkqueue; 64 on FreeBSD 12+ ({@code ext[4]}). */
    public static final long KEVENT_SIZE = KQ.sizeOf("kevent");
    private static final long IDENT_OFFSET = KQ.offsetOf("kevent.ident");
    private static final long FILTER_OFFSET = KQ.offsetOf("kevent.filter");
    private static final long FLAGS_OFFSET = KQ.offsetOf("kevent.flags");
    private static final long FFLAGS_OFFSET = KQ.offsetOf("kevent.fflags");
    private static final long DATA_OFFSET = KQ.offsetOf("kevent.data");
    /** Size of {@code struct timespec}. */
    public static final long TIMESPEC_SIZE = Abi.CURRENT.sizeOf("timespec");
    private static final long TV_SEC_OFFSET = Abi.CURRENT.offsetOf("timespec.tv_sec");
    private static final long TV_NSEC_OFFSET = Abi.CURRENT.offsetOf("timespec.tv_nsec");

    /**
     * The most results one kevent call returns, whatever the size of its list: no limit on macOS and
     * FreeBSD; 512 in libkqueue (its {@code MAX_KEVENT}, src/common/private.h, not in its public header).
     */
    public static final int MAX_RESULTS_PER_CALL = isLibkqueue() ? 512 : Integer.MAX_VALUE;

    private static final Optional<MethodHandle> KQUEUE =
            LIBRARY.lookup.flatMap(l -> Native.downcallIfPresent(l, "kqueue", FunctionDescriptor.of(C_INT)));
    private static final FunctionDescriptor KEVENT_C =
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_INT, C_POINTER, C_INT, C_POINTER);
    private static final Optional<MethodHandle> KEVENT_LINKED =
            LIBRARY.lookup.flatMap(l -> Native.downcallIfPresent(l, "kevent", KEVENT_C));
    /** The call of every select and change, as a constant the JIT inlines (see Native.orUnavailable). */
    private static final MethodHandle KEVENT = Native.orUnavailable(KEVENT_LINKED, "kevent", KEVENT_C, true);
    /** libkqueue on Linux finishes a close in a background thread; this waits for it (absent elsewhere). */
    private static final Optional<MethodHandle> DRAIN_PENDING_CLOSE = LIBRARY.named
            ? LIBRARY.lookup.flatMap(l -> Native.plainDowncallIfPresent(
                    l, "libkqueue_drain_pending_close", FunctionDescriptor.ofVoid()))
            : Optional.empty();

    private Kqueue() {}

    /** @return true when kqueue comes from libkqueue (a named library that has its own entry points) */
    private static boolean isLibkqueue() {
        return LIBRARY.named && LIBRARY.lookup.flatMap(l -> l.find("libkqueue_drain_pending_close")).isPresent();
    }

    /** @return true when kqueue and kevent are linked: from the C library, or from a library the user named */
    public static boolean isAvailable() {
        return KQUEUE.isPresent() && KEVENT_LINKED.isPresent();
    }

    /** @return true when kqueue comes from this platform's C library (macOS, FreeBSD), not a named library */
    public static boolean isInCLibrary() {
        return isAvailable() && !LIBRARY.named;
    }

    /** @return why kqueue is not available here, for an error message; empty when it is */
    public static String unavailableReason() {
        if (isAvailable()) {
            return "";
        }
        return LIBRARY.problem != null ? LIBRARY.problem : LIBRARY.source + " has no kqueue or kevent";
    }

    /** @return where kqueue comes from: "the C library" or the path of the named library */
    public static String source() {
        return LIBRARY.source;
    }

    /**
     * Creates a kqueue.
     *
     * @return its descriptor
     * @throws ErrnoException on EMFILE, ENFILE, ENOMEM
     */
    public static int kqueue() throws ErrnoException {
        MethodHandle h = KQUEUE.orElseThrow(() -> new UnsupportedOperationException(unavailableReason()));
        MemorySegment st = Native.errnoState();
        int fd;
        try {
            fd = (int) h.invokeExact(st);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        if (fd < 0) {
            throw Native.error("kqueue()", st);
        }
        return fd;
    }

    /**
     * Closes a kqueue, and frees everything behind it before returning. (libkqueue on Linux frees a
     * closed kqueue's descriptors in a background thread; here that is waited for.)
     *
     * @param kq the kqueue descriptor
     * @throws ErrnoException if close fails
     */
    public static void close(int kq) throws ErrnoException {
        Unistd.close(kq);
        if (DRAIN_PENDING_CLOSE.isPresent()) {
            try {
                DRAIN_PENDING_CLOSE.get().invokeExact();
            } catch (Throwable t) {
                throw Native.linkageFailure(t);
            }
        }
    }

    /**
     * Applies changes and/or waits for events.
     *
     * @param kq       the kqueue descriptor
     * @param changes  an array of {@code struct kevent} holding at least {@code nchanges}, or NULL
     * @param nchanges how many changes to apply
     * @param events   an array of {@code struct kevent} for the results; its size bounds how many
     * @param timeout  a {@code struct timespec} ({@link #TIMESPEC_SIZE} bytes), or NULL to block
     * @return how many results were stored, or -1 when interrupted (EINTR)
     * @throws ErrnoException on other errors
     */
    public static int kevent(int kq, MemorySegment changes, int nchanges, MemorySegment events, MemorySegment timeout)
            throws ErrnoException {
        if (nchanges < 0 || nchanges > changes.byteSize() / KEVENT_SIZE) {
            throw new IllegalArgumentException(nchanges + " changes in " + changes.byteSize() + " bytes");
        }
        if (!timeout.equals(MemorySegment.NULL) && timeout.byteSize() < TIMESPEC_SIZE) {
            throw new IllegalArgumentException("timespec needs " + TIMESPEC_SIZE + " bytes");
        }
        int nevents = (int) Math.min(events.byteSize() / KEVENT_SIZE, Integer.MAX_VALUE);
        MemorySegment st = Native.errnoState();
        int n;
        try {
            n = (int) KEVENT.invokeExact(st, kq, changes, nchanges, events, nevents, timeout);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        if (n >= 0) {
            return n;
        }
        if (Native.errno(st) == Errno.EINTR) {
            return -1;
        }
        throw Native.error("kevent", kq, st);
    }

    /** Fills entry {@code i} of a kevent array, clearing the rest of it (FreeBSD's ext[]). */
    public static void set(MemorySegment array, int i, long ident, short filter, int flags, int fflags) {
        MemorySegment e = array.asSlice(i * KEVENT_SIZE, KEVENT_SIZE);
        e.fill((byte) 0);
        e.set(ValueLayout.JAVA_LONG_UNALIGNED, IDENT_OFFSET, ident);
        e.set(ValueLayout.JAVA_SHORT_UNALIGNED, FILTER_OFFSET, filter);
        e.set(ValueLayout.JAVA_SHORT_UNALIGNED, FLAGS_OFFSET, (short) flags);
        e.set(ValueLayout.JAVA_INT_UNALIGNED, FFLAGS_OFFSET, fflags);
    }

    /** @return the ident of entry {@code i} */
    public static long ident(MemorySegment array, int i) {
        return array.get(ValueLayout.JAVA_LONG_UNALIGNED, i * KEVENT_SIZE + IDENT_OFFSET);
    }

    /** @return the filter of entry {@code i} */
    public static short filter(MemorySegment array, int i) {
        return array.get(ValueLayout.JAVA_SHORT_UNALIGNED, i * KEVENT_SIZE + FILTER_OFFSET);
    }

    /** @return the flags of entry {@code i} (an unsigned short) */
    public static int flags(MemorySegment array, int i) {
        return Short.toUnsignedInt(array.get(ValueLayout.JAVA_SHORT_UNALIGNED, i * KEVENT_SIZE + FLAGS_OFFSET));
    }

    /** @return the data of entry {@code i} (the errno of an EV_ERROR entry) */
    public static long data(MemorySegment array, int i) {
        return array.get(ValueLayout.JAVA_LONG_UNALIGNED, i * KEVENT_SIZE + DATA_OFFSET);
    }

    /** Stores a non-negative wait in nanoseconds into a {@code struct timespec}. */
    public static void setTimespec(MemorySegment timespec, long nanos) {
        timespec.set(ValueLayout.JAVA_LONG, TV_SEC_OFFSET, nanos / 1_000_000_000L);
        timespec.set(ValueLayout.JAVA_LONG, TV_NSEC_OFFSET, nanos % 1_000_000_000L);
    }

    /** @return the name of a filter, for messages */
    public static String filterName(short filter) {
        return filter == EVFILT_READ ? "EVFILT_READ" : filter == EVFILT_WRITE ? "EVFILT_WRITE"
                : filter == EVFILT_USER ? "EVFILT_USER" : "filter " + filter;
    }

    /** Where kqueue comes from, resolved once per JVM. */
    private record Library(Optional<SymbolLookup> lookup, boolean named, String source, String problem) {
        static Library find() {
            String path = System.getProperty(LIBRARY_PROPERTY);
            String from = "system property " + LIBRARY_PROPERTY;
            if (path == null || path.isBlank()) {
                path = System.getenv(LIBRARY_ENV);
                from = "environment variable " + LIBRARY_ENV;
            }
            if (path != null && !path.isBlank()) {
                try {
                    return new Library(Optional.of(load(Path.of(path))), true, path, null);
                } catch (IllegalArgumentException e) { // cannot be loaded, or not a path
                    return new Library(Optional.empty(), true, path,
                            "cannot load the kqueue library " + path + " named by the " + from + ": " + e.getMessage());
                }
            }
            if (IN_C_LIBRARY) {
                return new Library(Optional.of(Native.cLibrary()), false, "the C library", null);
            }
            return new Library(Optional.empty(), false, "the C library",
                    "kqueue is not available on " + Platform.describe() + ": its C library has none (kqueue is"
                            + " macOS's and FreeBSD's); to use a user-space kqueue such as libkqueue, name its"
                            + " shared library in the system property " + LIBRARY_PROPERTY + " or the environment"
                            + " variable " + LIBRARY_ENV);
        }

        /** Loads for the life of the JVM: a global arena is never closed, so the library is never unloaded. */
        @SuppressWarnings("restricted") // loading a library the user named is the point
        private static SymbolLookup load(Path path) {
            return SymbolLookup.libraryLookup(path, Arena.global());
        }
    }
}
