package io.jselectors.internal.os;

import io.jselectors.ErrnoException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Map;
import java.util.Optional;

/**
 * errno values the bindings test for, and their symbols and descriptions for messages.
 *
 * <p>Names and descriptions come from the C library ({@code strerrorname_np}, {@code strerrordesc_np},
 * glibc 2.32+) where it has them, else from a small table of the Linux values.
 */
public final class Errno {
    /** Operation not permitted. */
    public static final int EPERM = 1;
    /** No such file or directory. */
    public static final int ENOENT = 2;
    /** Interrupted system call. */
    public static final int EINTR = 4;
    /** Bad file descriptor. */
    public static final int EBADF = 9;
    /** Resource temporarily unavailable (EWOULDBLOCK is the same value on Linux). */
    public static final int EAGAIN = Platform.isLinux() ? 11 : 35;
    /** Cannot allocate memory. */
    public static final int ENOMEM = 12;
    /** File exists. */
    public static final int EEXIST = 17;
    /** Invalid argument. */
    public static final int EINVAL = 22;
    /** Too many open files in the system. */
    public static final int ENFILE = 23;
    /** Too many open files in this process. */
    public static final int EMFILE = 24;
    /** Broken pipe. */
    public static final int EPIPE = 32;
    /** Function not implemented. */
    public static final int ENOSYS = Platform.isLinux() ? 38 : 78;

    private static final Map<Integer, String[]> LINUX_FALLBACK = Map.ofEntries(
            Map.entry(1, new String[] {"EPERM", "Operation not permitted"}),
            Map.entry(2, new String[] {"ENOENT", "No such file or directory"}),
            Map.entry(4, new String[] {"EINTR", "Interrupted system call"}),
            Map.entry(9, new String[] {"EBADF", "Bad file descriptor"}),
            Map.entry(11, new String[] {"EAGAIN", "Resource temporarily unavailable"}),
            Map.entry(12, new String[] {"ENOMEM", "Cannot allocate memory"}),
            Map.entry(13, new String[] {"EACCES", "Permission denied"}),
            Map.entry(14, new String[] {"EFAULT", "Bad address"}),
            Map.entry(17, new String[] {"EEXIST", "File exists"}),
            Map.entry(22, new String[] {"EINVAL", "Invalid argument"}),
            Map.entry(23, new String[] {"ENFILE", "Too many open files in system"}),
            Map.entry(24, new String[] {"EMFILE", "Too many open files"}),
            Map.entry(32, new String[] {"EPIPE", "Broken pipe"}),
            Map.entry(38, new String[] {"ENOSYS", "Function not implemented"}),
            Map.entry(98, new String[] {"EADDRINUSE", "Address already in use"}),
            Map.entry(99, new String[] {"EADDRNOTAVAIL", "Cannot assign requested address"}),
            Map.entry(104, new String[] {"ECONNRESET", "Connection reset by peer"}),
            Map.entry(107, new String[] {"ENOTCONN", "Transport endpoint is not connected"}),
            Map.entry(110, new String[] {"ETIMEDOUT", "Connection timed out"}),
            Map.entry(111, new String[] {"ECONNREFUSED", "Connection refused"}),
            Map.entry(115, new String[] {"EINPROGRESS", "Operation now in progress"}));

    private static final FunctionDescriptor STRING_OF_INT = FunctionDescriptor.of(Native.C_POINTER, Native.C_INT);
    private static final Optional<MethodHandle> STRERRORNAME =
            Native.plainDowncallIfPresent("strerrorname_np", STRING_OF_INT);
    private static final Optional<MethodHandle> STRERRORDESC =
            Native.plainDowncallIfPresent("strerrordesc_np", STRING_OF_INT);

    private Errno() {}

    /**
     * Returns the symbol of an errno value.
     *
     * @param errno the value
     * @return e.g. {@code "EBADF"}, or {@code "errno 1234"} when unknown
     */
    public static String name(int errno) {
        String s = lookup(STRERRORNAME, errno);
        if (s != null) {
            return s;
        }
        String[] entry = Platform.isLinux() ? LINUX_FALLBACK.get(errno) : null;
        return entry != null ? entry[0] : "errno " + errno;
    }

    /**
     * Returns the description of an errno value.
     *
     * @param errno the value
     * @return e.g. {@code "Bad file descriptor"}
     */
    public static String description(int errno) {
        String s = lookup(STRERRORDESC, errno);
        if (s != null) {
            return s;
        }
        String[] entry = Platform.isLinux() ? LINUX_FALLBACK.get(errno) : null;
        return entry != null ? entry[1] : "unknown error";
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

    @SuppressWarnings("restricted") // reinterpret: the C library returns an unsized pointer
    private static String lookup(Optional<MethodHandle> handle, int errno) {
        if (handle.isEmpty()) {
            return null;
        }
        try {
            MemorySegment p = (MemorySegment) handle.get().invokeExact(errno);
            if (p.equals(MemorySegment.NULL)) {
                return null;
            }
            // A static C string; 256 bytes bounds the read, and no symbol or description is longer.
            return p.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
    }
}
