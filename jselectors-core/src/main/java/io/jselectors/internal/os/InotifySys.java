package io.jselectors.internal.os;

import static io.jselectors.internal.os.Native.C_INT;
import static io.jselectors.internal.os.Native.C_POINTER;

import io.jselectors.ErrnoException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/** Linux {@code inotify_init1}, {@code inotify_add_watch} and {@code inotify_rm_watch} ({@code <sys/inotify.h>}). */
public final class InotifySys {
    private static final AbiTable OS = Abi.CURRENT;

    // Values from the running platform's table (LinuxTables: <sys/inotify.h>); 0 where it has no inotify.
    /** {@code IN_NONBLOCK}. */
    public static final int IN_NONBLOCK = OS.constantOr("IN_NONBLOCK", 0);
    /** {@code IN_CLOEXEC}. */
    public static final int IN_CLOEXEC = OS.constantOr("IN_CLOEXEC", 0);
    /** {@code IN_ACCESS}. */
    public static final int IN_ACCESS = OS.constantOr("IN_ACCESS", 0);
    /** {@code IN_MODIFY}. */
    public static final int IN_MODIFY = OS.constantOr("IN_MODIFY", 0);
    /** {@code IN_ATTRIB}. */
    public static final int IN_ATTRIB = OS.constantOr("IN_ATTRIB", 0);
    /** {@code IN_CLOSE_WRITE}. */
    public static final int IN_CLOSE_WRITE = OS.constantOr("IN_CLOSE_WRITE", 0);
    /** {@code IN_CLOSE_NOWRITE}. */
    public static final int IN_CLOSE_NOWRITE = OS.constantOr("IN_CLOSE_NOWRITE", 0);
    /** {@code IN_OPEN}. */
    public static final int IN_OPEN = OS.constantOr("IN_OPEN", 0);
    /** {@code IN_MOVED_FROM}. */
    public static final int IN_MOVED_FROM = OS.constantOr("IN_MOVED_FROM", 0);
    /** {@code IN_MOVED_TO}. */
    public static final int IN_MOVED_TO = OS.constantOr("IN_MOVED_TO", 0);
    /** {@code IN_CREATE}. */
    public static final int IN_CREATE = OS.constantOr("IN_CREATE", 0);
    /** {@code IN_DELETE}. */
    public static final int IN_DELETE = OS.constantOr("IN_DELETE", 0);
    /** {@code IN_DELETE_SELF}. */
    public static final int IN_DELETE_SELF = OS.constantOr("IN_DELETE_SELF", 0);
    /** {@code IN_MOVE_SELF}. */
    public static final int IN_MOVE_SELF = OS.constantOr("IN_MOVE_SELF", 0);
    /** {@code IN_UNMOUNT}. */
    public static final int IN_UNMOUNT = OS.constantOr("IN_UNMOUNT", 0);
    /** {@code IN_Q_OVERFLOW}. */
    public static final int IN_Q_OVERFLOW = OS.constantOr("IN_Q_OVERFLOW", 0);
    /** {@code IN_IGNORED}. */
    public static final int IN_IGNORED = OS.constantOr("IN_IGNORED", 0);
    /** {@code IN_ISDIR}. */
    public static final int IN_ISDIR = OS.constantOr("IN_ISDIR", 0);
    /** {@code IN_ALL_EVENTS}. */
    public static final int IN_ALL_EVENTS = OS.constantOr("IN_ALL_EVENTS", 0);
    /** {@code sizeof(struct inotify_event)} without the name: wd, mask, cookie, len. */
    public static final int EVENT_HEADER_SIZE = OS.sizeOfOr("inotify_event", 16);
    /** Offsets in {@code struct inotify_event}. */
    public static final int WD = OS.offsetOfOr("inotify_event.wd", 0), MASK = OS.offsetOfOr("inotify_event.mask", 4),
            COOKIE = OS.offsetOfOr("inotify_event.cookie", 8), LEN = OS.offsetOfOr("inotify_event.len", 12);
    /** {@code ENOSPC} ({@code <errno.h>}): what inotify_add_watch reports when the user's watches are used up. */
    public static final int ENOSPC = OS.constantOr("ENOSPC", 0);

    private static final Optional<MethodHandle> INIT1 =
            Native.platformDowncall(OS, "inotify_init1", FunctionDescriptor.of(C_INT, C_INT));
    private static final Optional<MethodHandle> ADD_WATCH = Native.platformDowncall(OS, "inotify_add_watch",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_INT));
    private static final Optional<MethodHandle> RM_WATCH =
            Native.platformDowncall(OS, "inotify_rm_watch", FunctionDescriptor.of(C_INT, C_INT, C_INT));

    private InotifySys() {}

    /** @return true where the C library has inotify (Linux) */
    public static boolean isAvailable() {
        return Platform.isLinux() && INIT1.isPresent() && ADD_WATCH.isPresent() && RM_WATCH.isPresent();
    }

    /**
     * {@code inotify_init1}.
     *
     * @param flags {@link #IN_NONBLOCK}, {@link #IN_CLOEXEC}
     * @return the new descriptor
     * @throws ErrnoException on EMFILE (fs.inotify.max_user_instances reached), ...
     */
    public static int init1(int flags) throws ErrnoException {
        MemorySegment st = Native.errnoState();
        int fd;
        try {
            fd = (int) Native.require(INIT1, "inotify_init1").invokeExact(st, flags);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        if (fd < 0) {
            throw Native.error("inotify_init1", st);
        }
        return fd;
    }

    /**
     * {@code inotify_add_watch}.
     *
     * @param fd   the inotify instance
     * @param path the file or directory
     * @param mask the {@code IN_} events to watch
     * @return the watch descriptor (the same one again for a path already watched)
     * @throws ErrnoException on ENOENT, EACCES, ENOSPC (fs.inotify.max_user_watches reached), ...
     */
    public static int addWatch(int fd, String path, int mask) throws ErrnoException {
        MemorySegment st = Native.errnoState();
        int wd;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cpath = arena.allocateFrom(path);
            wd = (int) Native.require(ADD_WATCH, "inotify_add_watch").invokeExact(st, fd, cpath, mask);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        if (wd < 0) {
            throw Native.error("inotify_add_watch(fd=" + fd + ", " + path + ")", st);
        }
        return wd;
    }

    /**
     * {@code inotify_rm_watch}.
     *
     * @param fd the inotify instance
     * @param wd the watch
     * @throws ErrnoException on EINVAL (no such watch: already removed, or its file deleted)
     */
    public static void rmWatch(int fd, int wd) throws ErrnoException {
        MemorySegment st = Native.errnoState();
        int r;
        try {
            r = (int) Native.require(RM_WATCH, "inotify_rm_watch").invokeExact(st, fd, wd);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        if (r < 0) {
            throw Native.error("inotify_rm_watch(fd=" + fd + ", wd=" + wd + ")", st);
        }
    }
}
