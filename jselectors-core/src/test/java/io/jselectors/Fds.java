package io.jselectors;

import static io.jselectors.internal.os.Native.C_INT;
import static io.jselectors.internal.os.Native.C_POINTER;

import io.jselectors.internal.os.EventFd;
import io.jselectors.internal.os.Fcntl;
import io.jselectors.internal.os.Native;
import io.jselectors.internal.os.Sockets;
import io.jselectors.internal.os.Unistd;
import java.io.File;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test helper: makes pipes, socketpairs, eventfds and other descriptors, remembers each one it made,
 * and closes those still open at {@link #close()}. Only descriptors this object made are ever
 * closed, so a number the test already closed (and the JVM may have reused) is never touched.
 */
public final class Fds implements AutoCloseable {
    private static final MethodHandle DUP2 = Native.downcall("dup2", FunctionDescriptor.of(C_INT, C_INT, C_INT));
    private static final MethodHandle OPEN =
            Native.variadicDowncall("open", FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT), 2);
    private static final int O_RDONLY = 0;
    private static final AtomicInteger TEMP_COUNTER = new AtomicInteger();

    private final Arena arena = Arena.ofShared();
    private final Set<Integer> owned = new LinkedHashSet<>();

    /** An empty set of descriptors; close it to close every one it made. */
    public Fds() {}

    /** @return {read end, write end}, both non-blocking and close-on-exec */
    public synchronized int[] pipe() throws IOException {
        MemorySegment two = arena.allocate(ValueLayout.JAVA_INT, 2);
        Unistd.pipe2(two, Unistd.O_NONBLOCK | Unistd.O_CLOEXEC);
        return own(two);
    }

    /** @return two connected non-blocking AF_UNIX stream sockets */
    public synchronized int[] socketpair() throws IOException {
        MemorySegment two = arena.allocate(ValueLayout.JAVA_INT, 2);
        Sockets.socketpair(
                Sockets.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC, 0, two);
        return own(two);
    }

    /** @return a non-blocking eventfd whose counter starts at initial (readable when > 0) */
    public synchronized int eventfd(int initial) throws IOException {
        int fd = EventFd.eventfd(initial, EventFd.EFD_NONBLOCK | EventFd.EFD_CLOEXEC);
        owned.add(fd);
        return fd;
    }

    /** @return a descriptor of a regular file (a new temporary file), opened read-only */
    public synchronized int regularFile() throws IOException {
        // Not Files.createTempFile: its SecureRandom keeps /dev/urandom open, which the leak check would see.
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"),
                "jselectors-" + ProcessHandle.current().pid() + "-" + TEMP_COUNTER.incrementAndGet() + ".txt");
        Files.writeString(tmp, "a regular file");
        MemorySegment st = Native.errnoState();
        int fd;
        try {
            fd = (int) OPEN.invokeExact(st, arena.allocateFrom(tmp.toString()), O_RDONLY, 0);
        } catch (Throwable t) {
            throw new AssertionError(t);
        } finally {
            Files.deleteIfExists(tmp);
        }
        if (fd < 0) {
            throw Native.error("open(" + tmp + ")", st);
        }
        owned.add(fd);
        return fd;
    }

    /** dup2(from, to): makes {@code to} (closed first if open) a copy of {@code from}; we own {@code to}. */
    public synchronized int dup2(int from, int to) throws IOException {
        if (!owned.contains(to) && Fcntl.isOpen(to)) {
            throw new IllegalStateException("fd " + to + " is open and not this test's: dup2 would close it");
        }
        dup2Unchecked(from, to);
        owned.add(to);
        return to;
    }

    /**
     * dup2(from, to) with no ownership check, for tests that manage their own numbers.
     *
     * @throws ErrnoException naming the call, e.g. EBADF when {@code from} is not open
     */
    public static void dup2Unchecked(int from, int to) throws ErrnoException {
        MemorySegment st = Native.errnoState();
        int r;
        try {
            r = (int) DUP2.invokeExact(st, from, to);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (r < 0) {
            throw Native.error("dup2(" + from + ", " + to + ")", st);
        }
    }

    /** @return a {@link Selectable} over fd, named for messages */
    public Handle handle(int fd, String name) {
        return new Handle(this, fd, name);
    }

    /** Closes a descriptor this object made. */
    public synchronized void close(int fd) throws IOException {
        if (!owned.remove(fd)) {
            throw new IllegalStateException("fd " + fd + " was not made by this test, or is already closed");
        }
        Unistd.close(fd);
    }

    /** Forgets an fd without closing it (someone else closed it, e.g. a selector under test). */
    public synchronized void disown(int fd) {
        owned.remove(fd);
    }

    /** Writes the string; asserts the whole string went in. */
    public void write(int fd, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment seg = a.allocate(b.length);
            MemorySegment.copy(b, 0, seg, ValueLayout.JAVA_BYTE, 0, b.length);
            long n = Unistd.write(fd, seg);
            if (n != b.length) {
                throw new IllegalStateException("wrote " + n + " of " + b.length + " bytes to fd " + fd);
            }
        }
    }

    /** Reads what is there, up to max bytes; "" at end of file; null when it would block. */
    public String read(int fd, int max) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment seg = a.allocate(max);
            long n = Unistd.read(fd, seg);
            if (n == Unistd.WOULD_BLOCK) {
                return null;
            }
            return new String(seg.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        }
    }

    /** Writes into a non-blocking fd until it would block; returns how many bytes went in. */
    public long fill(int fd) throws IOException {
        long total = 0;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment chunk = a.allocate(65536);
            long n;
            while ((n = Unistd.write(fd, chunk)) != Unistd.WOULD_BLOCK) {
                total += n;
            }
        }
        return total;
    }

    /** Closes every descriptor still open that this object made. */
    @Override
    public synchronized void close() throws IOException {
        IOException first = null;
        List<Integer> fds = new ArrayList<>(owned);
        owned.clear();
        for (int fd : fds) {
            try {
                Unistd.close(fd);
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        arena.close();
        if (first != null) {
            throw first;
        }
    }

    /**
     * @return a descriptor number that is not open, far above what this process uses, for testing
     *     EBADF without closing a number someone may reuse meanwhile
     */
    public static int notOpen() throws IOException {
        for (int fd = 19_000; fd < 19_990; fd++) {
            if (!Fcntl.isOpen(fd)) {
                return fd;
            }
        }
        throw new IllegalStateException("fds 19000..19989 are all open");
    }

    /** @return how many descriptors this process has open now (entries of /proc/self/fd) */
    public static int openCount() {
        String[] names = new File("/proc/self/fd").list();
        if (names == null) {
            throw new IllegalStateException("cannot list /proc/self/fd");
        }
        return names.length;
    }

    /** @return the numbers of the descriptors this process has open now */
    public static Set<Integer> openNumbers() {
        String[] names = new File("/proc/self/fd").list();
        if (names == null) {
            throw new IllegalStateException("cannot list /proc/self/fd");
        }
        Set<Integer> open = new java.util.TreeSet<>();
        for (String n : names) {
            open.add(Integer.parseInt(n));
        }
        return open;
    }

    private int[] own(MemorySegment two) {
        int a = two.getAtIndex(ValueLayout.JAVA_INT, 0);
        int b = two.getAtIndex(ValueLayout.JAVA_INT, 1);
        owned.add(a);
        owned.add(b);
        return new int[] {a, b};
    }

    /** A {@link Selectable} over one fd of an {@link Fds}; {@link #close()} makes fileno() -1. */
    public static final class Handle implements Selectable, AutoCloseable {
        private final Fds fds;
        private final String name;
        private int fd;

        Handle(Fds fds, int fd, String name) {
            this.fds = fds;
            this.fd = fd;
            this.name = name;
        }

        @Override
        public int fileno() {
            return fd;
        }

        @Override
        public void close() throws IOException {
            if (fd >= 0) {
                int f = fd;
                fd = -1;
                fds.close(f);
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
