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
    // ---- OS constants: Linux <sys/inotify.h> (checked against this machine's headers by OsConstantsTest).
    // ---- To move into the Linux table once the per-platform tables land.
    /** {@code IN_NONBLOCK}. */
    public static final int IN_NONBLOCK = 0x800;
    /** {@code IN_CLOEXEC}. */
    public static final int IN_CLOEXEC = 0x80000;
    /** {@code IN_ACCESS}. */
    public static final int IN_ACCESS = 0x1;
    /** {@code IN_MODIFY}. */
    public static final int IN_MODIFY = 0x2;
    /** {@code IN_ATTRIB}. */
    public static final int IN_ATTRIB = 0x4;
    /** {@code IN_CLOSE_WRITE}. */
    public static final int IN_CLOSE_WRITE = 0x8;
    /** {@code IN_CLOSE_NOWRITE}. */
    public static final int IN_CLOSE_NOWRITE = 0x10;
    /** {@code IN_OPEN}. */
    public static final int IN_OPEN = 0x20;
    /** {@code IN_MOVED_FROM}. */
    public static final int IN_MOVED_FROM = 0x40;
    /** {@code IN_MOVED_TO}. */
    public static final int IN_MOVED_TO = 0x80;
    /** {@code IN_CREATE}. */
    public static final int IN_CREATE = 0x100;
    /** {@code IN_DELETE}. */
    public static final int IN_DELETE = 0x200;
    /** {@code IN_DELETE_SELF}. */
    public static final int IN_DELETE_SELF = 0x400;
    /** {@code IN_MOVE_SELF}. */
    public static final int IN_MOVE_SELF = 0x800;
    /** {@code IN_UNMOUNT}. */
    public static final int IN_UNMOUNT = 0x2000;
    /** {@code IN_Q_OVERFLOW}. */
    public static final int IN_Q_OVERFLOW = 0x4000;
    /** {@code IN_IGNORED}. */
    public static final int IN_IGNORED = 0x8000;
    /** {@code IN_ISDIR}. */
    public static final int IN_ISDIR = 0x40000000;
    /** {@code IN_ALL_EVENTS}. */
    public static final int IN_ALL_EVENTS = 0xfff;
    /** {@code sizeof(struct inotify_event)} without the name: wd, mask, cookie, len (four 32-bit fields). */
    public static final int EVENT_HEADER_SIZE = 16;
    /** {@code ENOSPC} ({@code <errno.h>}): what inotify_add_watch reports when the user's watches are used up. */
    public static final int ENOSPC = 28;
    // ---- end of OS constants

    private static final Optional<MethodHandle> INIT1 =
            Native.downcallIfPresent("inotify_init1", FunctionDescriptor.of(C_INT, C_INT));
    private static final Optional<MethodHandle> ADD_WATCH = Native.downcallIfPresent("inotify_add_watch",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_INT));
    private static final Optional<MethodHandle> RM_WATCH =
            Native.downcallIfPresent("inotify_rm_watch", FunctionDescriptor.of(C_INT, C_INT, C_INT));

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
