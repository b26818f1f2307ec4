package io.jselectors.internal.os;

import io.jselectors.ErrnoException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * errno values the bindings test for (from the platform's {@link Abi#CURRENT table}), and their symbols and
 * descriptions for messages.
 *
 * <p>Symbols come from glibc's {@code strerrorname_np} (2.32+) on Linux, else from the table's names.
 * Descriptions come from glibc's {@code strerrordesc_np} on Linux, else from the XSI {@code strerror_r}
 * ({@code strerror_r} on macOS and FreeBSD, {@code __xpg_strerror_r} in glibc). Each is linked only on a
 * platform whose table lists it, and only when a message is first built.
 */
public final class Errno {
    private static final AbiTable OS = Abi.CURRENT;

    /** Operation not permitted. */
    public static final int EPERM = OS.constant("EPERM");
    /** No such file or directory. */
    public static final int ENOENT = OS.constant("ENOENT");
    /** Interrupted system call. */
    public static final int EINTR = OS.constant("EINTR");
    /** Bad file descriptor. */
    public static final int EBADF = OS.constant("EBADF");
    /** Resource temporarily unavailable (EWOULDBLOCK is the same value on every platform with a table). */
    public static final int EAGAIN = OS.constant("EAGAIN");
    /** Cannot allocate memory. */
    public static final int ENOMEM = OS.constant("ENOMEM");
    /** Permission denied. */
    public static final int EACCES = OS.constant("EACCES");
    /** File exists. */
    public static final int EEXIST = OS.constant("EEXIST");
    /** Invalid argument. */
    public static final int EINVAL = OS.constant("EINVAL");
    /** Too many open files in the system. */
    public static final int ENFILE = OS.constant("ENFILE");
    /** Too many open files in this process. */
    public static final int EMFILE = OS.constant("EMFILE");
    /** Broken pipe. */
    public static final int EPIPE = OS.constant("EPIPE");
    /** Function not implemented. */
    public static final int ENOSYS = OS.constant("ENOSYS");
    /** No buffer space available (e.g. accept under memory pressure). */
    public static final int ENOBUFS = OS.constant("ENOBUFS");

    private static final FunctionDescriptor STRING_OF_INT = FunctionDescriptor.of(Native.C_POINTER, Native.C_INT);
    private static final FunctionDescriptor XSI_STRERROR_R =
            FunctionDescriptor.of(Native.C_INT, Native.C_INT, Native.C_POINTER, Native.C_SIZE_T);
    /** Longest description read; no C library's is longer. */
    private static final int DESCRIPTION_MAX = 256;

    private Errno() {}

    /** Linked on first use, so that loading this class never looks up a symbol the platform lacks. */
    private static final class Lib {
        static final Optional<MethodHandle> STRERRORNAME = plain(OS, "strerrorname_np", STRING_OF_INT);
        static final Optional<MethodHandle> STRERRORDESC = plain(OS, "strerrordesc_np", STRING_OF_INT);
        static final Optional<MethodHandle> STRERROR_R = plain(OS, xsiStrerrorR(OS), XSI_STRERROR_R);
        static final Map<Integer, String> NAMES = names(OS);
    }

    /**
     * Returns the symbol of an errno value.
     *
     * @param errno the value
     * @return e.g. {@code "EBADF"}, or {@code "errno 1234"} when unknown
     */
    public static String name(int errno) {
        String s = cString(Lib.STRERRORNAME, errno);
        if (s != null) {
            return s;
        }
        return nameFromTable(Lib.NAMES, errno);
    }

    /**
     * Returns the description of an errno value.
     *
     * @param errno the value
     * @return e.g. {@code "Bad file descriptor"}, or {@code "unknown error"}
     */
    public static String description(int errno) {
        if (Lib.STRERRORDESC.isPresent()) {
            String s = cString(Lib.STRERRORDESC, errno);
            return s != null ? s : "unknown error";
        }
        return describeWithStrerrorR(Lib.STRERROR_R, errno);
    }

    /**
     * Builds the exception for a failed call.
     *
     * @param callWithArgs the call as it reads in the message, e.g. {@code "epoll_ctl(ADD, fd=7)"}
     * @param errno        the errno value
     * @return the exception
     */
    public static ErrnoException exception(String callWithArgs, int errno) {
        return new ErrnoException(callWithArgs, errno, name(errno), description(errno));
    }

    /** The XSI {@code strerror_r} symbol of a platform: glibc's default {@code strerror_r} is the GNU one. */
    static String xsiStrerrorR(AbiTable table) {
        return table.os() == AbiTable.Os.LINUX ? "__xpg_strerror_r" : "strerror_r";
    }

    /** Links a function the table lists; empty where it does not, or where the C library lacks it after all. */
    static Optional<MethodHandle> plain(AbiTable table, String symbol, FunctionDescriptor fd) {
        return table.hasFunction(symbol) ? Native.plainDowncallIfPresent(symbol, fd) : Optional.empty();
    }

    /** @return value to name for every errno constant of a table (the first name listed wins) */
    static Map<Integer, String> names(AbiTable table) {
        Map<Integer, String> m = new HashMap<>();
        for (AbiTable.Fact f : table.facts()) {
            if (f.kind() == AbiTable.Kind.CONST && "errno.h".equals(f.include())) {
                m.putIfAbsent((int) f.value(), f.name());
            }
        }
        return Map.copyOf(m);
    }

    static String nameFromTable(Map<Integer, String> names, int errno) {
        String s = names.get(errno);
        return s != null ? s : "errno " + errno;
    }

    /** The description through an XSI {@code int strerror_r(int, char *, size_t)}. */
    static String describeWithStrerrorR(Optional<MethodHandle> strerrorR, int errno) {
        if (strerrorR.isEmpty()) {
            return "unknown error";
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(DESCRIPTION_MAX);
            int r = (int) strerrorR.get().invokeExact(errno, buf, (long) DESCRIPTION_MAX);
            // 0 with the text; EINVAL (or -1 and errno) for a value the C library does not know.
            return r == 0 ? buf.getString(0) : "unknown error";
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
    }

    @SuppressWarnings("restricted") // reinterpret: the C library returns an unsized pointer
    private static String cString(Optional<MethodHandle> handle, int errno) {
        if (handle.isEmpty()) {
            return null;
        }
        try {
            MemorySegment p = (MemorySegment) handle.get().invokeExact(errno);
            if (p.equals(MemorySegment.NULL)) {
                return null;
            }
            // A static C string; DESCRIPTION_MAX bounds the read, and no symbol or description is longer.
            return p.reinterpret(DESCRIPTION_MAX).getString(0);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
    }
}
