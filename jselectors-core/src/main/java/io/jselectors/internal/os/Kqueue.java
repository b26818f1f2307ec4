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
import java.util.Locale;
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

    private static final boolean MAC = Platform.isMac();
    private static final boolean FREEBSD =
            System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("freebsd");
    private static final Library LIBRARY = Library.find();

    // ---- kqueue facts: macOS from xnu bsd/sys/event.h, FreeBSD from sys/sys/event.h, libkqueue on
    // ---- Linux from its include/sys/event.h (macOS's 32-byte layout, FreeBSD's EVFILT_USER). -------

    /** Readable (filter). */
    public static final short EVFILT_READ = -1;
    /** Writable (filter). */
    public static final short EVFILT_WRITE = -2;
    /** User-triggered event (filter): -10 on macOS, -11 on FreeBSD and in libkqueue. */
    public static final short EVFILT_USER = MAC ? (short) -10 : (short) -11;
    /** Add the event (implies enable). */
    public static final int EV_ADD = 0x0001;
    /** Delete the event. */
    public static final int EV_DELETE = 0x0002;
    /** Reset the state after the event is retrieved. */
    public static final int EV_CLEAR = 0x0020;
    /** Report every change's result as an EV_ERROR entry (data 0 on success) instead of waiting. */
    public static final int EV_RECEIPT = 0x0040;
    /** Error; data holds the errno. */
    public static final int EV_ERROR = 0x4000;
    /** End of file or hang-up. */
    public static final int EV_EOF = 0x8000;
    /** EVFILT_USER: trigger the event. */
    public static final int NOTE_TRIGGER = 0x01000000;

    /** Size of {@code struct kevent}: 32 on macOS and libkqueue; 64 on FreeBSD 12+ ({@code ext[4]}). */
    public static final long KEVENT_SIZE = FREEBSD ? 64 : 32;
    private static final long IDENT_OFFSET = 0;
    private static final long FILTER_OFFSET = 8;
    private static final long FLAGS_OFFSET = 10;
    private static final long FFLAGS_OFFSET = 12;
    private static final long DATA_OFFSET = 16;
    private static final long UDATA_OFFSET = 24;
    /**
     * The most results one kevent call returns, whatever the size of its list: none on macOS and
     * FreeBSD; 512 in libkqueue ({@code MAX_KEVENT}, its src/common/private.h).
     */
    public static final int MAX_RESULTS_PER_CALL = isLibkqueue() ? 512 : Integer.MAX_VALUE;
    /** Size of {@code struct timespec} (LP64: tv_sec and tv_nsec of 8 bytes each). */
    public static final long TIMESPEC_SIZE = 16;

    // ---- end of kqueue facts --------------------------------------------------------------------

    private static final Optional<MethodHandle> KQUEUE =
            LIBRARY.lookup.flatMap(l -> Native.downcallIfPresent(l, "kqueue", FunctionDescriptor.of(C_INT)));
    private static final Optional<MethodHandle> KEVENT = LIBRARY.lookup.flatMap(l -> Native.downcallIfPresent(l,
            "kevent", FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_INT, C_POINTER, C_INT, C_POINTER)));
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
        return KQUEUE.isPresent() && KEVENT.isPresent();
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
            n = (int) KEVENT.orElseThrow().invokeExact(st, kq, changes, nchanges, events, nevents, timeout);
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
        timespec.set(ValueLayout.JAVA_LONG, 0, nanos / 1_000_000_000L);
        timespec.set(ValueLayout.JAVA_LONG, 8, nanos % 1_000_000_000L);
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
            if (MAC || FREEBSD) {
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
