package io.jselectors.fd;

import static io.jselectors.internal.os.InotifySys.EVENT_HEADER_SIZE;

import io.jselectors.ErrnoException;
import io.jselectors.internal.os.Errno;
import io.jselectors.internal.os.InotifySys;
import io.jselectors.internal.os.Unistd;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Linux inotify instance: watches files and directories, and is readable when something happened to them.
 *
 * <pre>{@code
 * try (Selector sel = Selector.open(); Inotify in = Inotify.open()) {
 *     in.watch(dir, Inotify.CREATE | Inotify.DELETE | Inotify.CLOSE_WRITE);
 *     sel.register(in, Selector.EVENT_READ);
 *     sel.select(null);
 *     for (Inotify.Event ev : in.read()) {
 *         System.out.println(ev);          // e.g. CREATE|CLOSE_WRITE of dir/name
 *     }
 * }
 * }</pre>
 *
 * <p>Watching a directory reports events on the files in it, with their names; watching a file reports
 * events on it, without a name. Watches are not recursive. When the kernel's queue overflows
 * ({@code fs.inotify.max_queued_events}), events are lost and one event with {@link #Q_OVERFLOW} says so:
 * rescan what you watch. On macOS and the BSDs there is no inotify ({@link #isAvailable()} is false): a
 * kqueue {@code EVFILT_VNODE} event on an open file or directory does this job there (without names).
 */
public final class Inotify extends FdResource {
    /** The file was read. */
    public static final int ACCESS = InotifySys.IN_ACCESS;
    /** The file was written. */
    public static final int MODIFY = InotifySys.IN_MODIFY;
    /** Metadata changed: permissions, timestamps, owner, links. */
    public static final int ATTRIB = InotifySys.IN_ATTRIB;
    /** A file opened for writing was closed. */
    public static final int CLOSE_WRITE = InotifySys.IN_CLOSE_WRITE;
    /** A file not opened for writing was closed. */
    public static final int CLOSE_NOWRITE = InotifySys.IN_CLOSE_NOWRITE;
    /** The file was opened. */
    public static final int OPEN = InotifySys.IN_OPEN;
    /** A file was moved out of the watched directory (pairs with {@link #MOVED_TO} by {@link Event#cookie()}). */
    public static final int MOVED_FROM = InotifySys.IN_MOVED_FROM;
    /** A file was moved into the watched directory. */
    public static final int MOVED_TO = InotifySys.IN_MOVED_TO;
    /** A file was created in the watched directory. */
    public static final int CREATE = InotifySys.IN_CREATE;
    /** A file was deleted from the watched directory. */
    public static final int DELETE = InotifySys.IN_DELETE;
    /** The watched file or directory itself was deleted (then {@link #IGNORED} follows). */
    public static final int DELETE_SELF = InotifySys.IN_DELETE_SELF;
    /** The watched file or directory itself was moved. */
    public static final int MOVE_SELF = InotifySys.IN_MOVE_SELF;
    /** Every event above. */
    public static final int ALL_EVENTS = InotifySys.IN_ALL_EVENTS;
    /** In events only: the file system of the watched file was unmounted. */
    public static final int UNMOUNT = InotifySys.IN_UNMOUNT;
    /** In events only: the kernel's queue overflowed and events were lost; the event has no watch. */
    public static final int Q_OVERFLOW = InotifySys.IN_Q_OVERFLOW;
    /** In events only: the watch is gone (removed, or its file deleted or unmounted). */
    public static final int IGNORED = InotifySys.IN_IGNORED;
    /** In events only: the subject of the event is a directory. */
    public static final int ISDIR = InotifySys.IN_ISDIR;

    private static final String[] NAMES = {"ACCESS", "MODIFY", "ATTRIB", "CLOSE_WRITE", "CLOSE_NOWRITE", "OPEN",
        "MOVED_FROM", "MOVED_TO", "CREATE", "DELETE", "DELETE_SELF", "MOVE_SELF"};
    /** Room for many events at once: the kernel never splits one, and one is at most 16 + NAME_MAX + 1 bytes. */
    private static final int BUFFER_SIZE = 64 * 1024;

    private final Map<Integer, Watch> watches = new ConcurrentHashMap<>();
    private final MemorySegment buf = Arena.ofAuto().allocate(BUFFER_SIZE, 8);

    private Inotify(int fd) {
        super("inotify instance", fd);
    }

    /**
     * Whether this platform has inotify (Linux).
     *
     * @return true on Linux
     */
    public static boolean isAvailable() {
        return InotifySys.isAvailable();
    }

    /**
     * Opens an inotify instance (non-blocking, close-on-exec) with no watches.
     *
     * @return the instance
     * @throws ErrnoException                on EMFILE: too many inotify instances for this user
     *                                       ({@code fs.inotify.max_user_instances}) or open files
     * @throws UnsupportedOperationException where there is no inotify ({@link #isAvailable()})
     */
    public static Inotify open() throws IOException {
        if (!isAvailable()) {
            throw unavailable("inotify", "EVFILT_VNODE");
        }
        try {
            return new Inotify(InotifySys.init1(InotifySys.IN_NONBLOCK | InotifySys.IN_CLOEXEC));
        } catch (ErrnoException e) {
            throw e.errno() == Errno.EMFILE
                    ? e.withHint("too many open files, or too many inotify instances for this user: close some, or "
                            + "raise ulimit -n or the sysctl fs.inotify.max_user_instances")
                    : withFdHint(e);
        }
    }

    /**
     * Watches a file or directory for events. Watching the same path again replaces its mask and returns the
     * same watch.
     *
     * @param path the file or directory; symbolic links are followed
     * @param mask the events to report, e.g. {@code CREATE | DELETE}
     * @return the watch
     * @throws IllegalArgumentException if {@code mask} has none of the events above
     * @throws ErrnoException on ENOENT (no such file), EACCES (not readable), ENOSPC (the user's watches,
     *                        {@code fs.inotify.max_user_watches}, are used up: the message says how to raise it)
     * @throws IOException    if closed
     */
    public Watch watch(Path path, int mask) throws IOException {
        if ((mask & ALL_EVENTS) == 0) {
            throw new IllegalArgumentException("mask 0x" + Integer.toHexString(mask) + " has no events: use CREATE, MODIFY, ...");
        }
        int fd = liveFd("inotify watch");
        int wd;
        try {
            wd = InotifySys.addWatch(fd, path.toString(), mask);
        } catch (ErrnoException e) {
            if (e.errno() == InotifySys.ENOSPC) {
                throw e.withHint("this user's inotify watches are used up: remove some, or raise the sysctl "
                        + "fs.inotify.max_user_watches (e.g. sysctl fs.inotify.max_user_watches=524288)");
            }
            throw e;
        }
        return watches.computeIfAbsent(wd, w -> new Watch(w, path));
    }

    /**
     * Stops a watch. An {@link #IGNORED} event for it follows. A watch already gone (its file deleted) is
     * ignored.
     *
     * @param watch a watch of this instance
     * @throws ErrnoException on an unexpected error from inotify_rm_watch
     * @throws IOException    if closed
     */
    public void unwatch(Watch watch) throws IOException {
        int fd = liveFd("inotify unwatch");
        try {
            InotifySys.rmWatch(fd, watch.descriptor());
        } catch (ErrnoException e) {
            if (e.errno() != Errno.EINVAL) {
                throw e;
            }
        }
    }

    /**
     * Reads and decodes the events queued now.
     *
     * @return the events, oldest first; empty when none are queued (select for reading to wait)
     * @throws IOException if closed, or on an error from read
     */
    public List<Event> read() throws IOException {
        long n = Unistd.read(liveFd("inotify read"), buf);
        if (n == Unistd.WOULD_BLOCK || n <= 0) {
            return List.of();
        }
        List<Event> events = new ArrayList<>();
        long at = 0;
        while (at + EVENT_HEADER_SIZE <= n) {
            int wd = buf.get(ValueLayout.JAVA_INT, at + InotifySys.WD);
            int mask = buf.get(ValueLayout.JAVA_INT, at + InotifySys.MASK);
            int cookie = buf.get(ValueLayout.JAVA_INT, at + InotifySys.COOKIE);
            int len = buf.get(ValueLayout.JAVA_INT, at + InotifySys.LEN);
            if (len < 0 || at + EVENT_HEADER_SIZE + len > n) {
                throw new IOException("inotify read: an event of " + len + " name bytes runs past the " + n
                        + " bytes read; this is a bug, please report it");
            }
            // The name is NUL-padded within len bytes; the slice bounds the search for the NUL.
            String name = len == 0 ? "" : buf.asSlice(at + EVENT_HEADER_SIZE, len).getString(0);
            Watch watch = (mask & IGNORED) != 0 ? watches.remove(wd) : watches.get(wd);
            events.add(new Event(watch, mask, cookie, name));
            at += EVENT_HEADER_SIZE + len;
        }
        return events;
    }

    /**
     * A watch: the kernel's watch descriptor and the path it was made for.
     *
     * @param descriptor the watch descriptor
     * @param path       the path given to {@link Inotify#watch}
     */
    public record Watch(int descriptor, Path path) {}

    /**
     * One decoded event.
     *
     * @param watch  the watch it came from, or {@code null} for {@link #Q_OVERFLOW} (and for events of a watch
     *               already removed)
     * @param mask   what happened: the constants of {@link Inotify}, plus {@link #ISDIR} for a directory
     * @param cookie pairs a {@link #MOVED_FROM} with its {@link #MOVED_TO}; 0 otherwise
     * @param name   the name of the file in a watched directory, or {@code ""} for an event on the watched
     *               file or directory itself
     */
    public record Event(Watch watch, int mask, int cookie, String name) {
        /**
         * Whether the mask has a flag.
         *
         * @param flag e.g. {@link Inotify#CREATE}
         * @return true if all bits of {@code flag} are set
         */
        public boolean is(int flag) {
            return (mask & flag) == flag;
        }

        /**
         * Returns the path the event is about.
         *
         * @return the watched path resolved with {@link #name()}, or {@code null} without a watch
         */
        public Path path() {
            return watch == null ? null : name.isEmpty() ? watch.path() : watch.path().resolve(name);
        }

        /**
         * Names the flags of the mask.
         *
         * @return e.g. {@code "CREATE|ISDIR"}
         */
        public String what() {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < NAMES.length; i++) {
                if ((mask & (1 << i)) != 0) {
                    sb.append(sb.isEmpty() ? "" : "|").append(NAMES[i]);
                }
            }
            for (int flag : new int[] {UNMOUNT, Q_OVERFLOW, IGNORED, ISDIR}) {
                if ((mask & flag) != 0) {
                    sb.append(sb.isEmpty() ? "" : "|").append(flagName(flag));
                }
            }
            return sb.toString();
        }

        @Override
        public String toString() {
            return what() + (watch == null ? "" : " of " + path());
        }

        private static String flagName(int flag) {
            return flag == UNMOUNT ? "UNMOUNT" : flag == Q_OVERFLOW ? "Q_OVERFLOW" : flag == IGNORED ? "IGNORED" : "ISDIR";
        }
    }
}
