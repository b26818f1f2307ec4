package io.jselectors;

import static io.jselectors.internal.os.Native.C_INT;
import static io.jselectors.internal.os.Native.C_POINTER;

import io.jselectors.internal.os.Errno;
import io.jselectors.internal.os.Fcntl;
import io.jselectors.internal.os.Native;
import io.jselectors.internal.os.Unistd;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helper: runs this process out of descriptors. Lowers the soft RLIMIT_NOFILE to 16 above the
 * highest open fd and fills every free descriptor below it (pipes, then dups for an odd last slot), so
 * the next call that makes an fd fails with EMFILE. {@link #close()} frees them and restores the limit.
 */
public final class DescriptorExhaustion implements AutoCloseable {
    private static final int RLIMIT_NOFILE = 7;
    private static final FunctionDescriptor RLIMIT_CALL = FunctionDescriptor.of(C_INT, C_INT, C_POINTER);
    private static final MethodHandle GETRLIMIT = Native.downcall("getrlimit", RLIMIT_CALL);
    private static final MethodHandle SETRLIMIT = Native.downcall("setrlimit", RLIMIT_CALL);

    private final Arena arena = Arena.ofConfined();
    /** struct rlimit { rlim_t soft; rlim_t hard; } */
    private final MemorySegment rlimit = arena.allocate(16);
    private final long originalSoft;
    private final List<Integer> fillers = new ArrayList<>();
    private ErrnoException pipeError;

    private DescriptorExhaustion() throws IOException {
        rlimitCall(GETRLIMIT, "getrlimit");
        originalSoft = rlimit.get(ValueLayout.JAVA_LONG, 0);
        // Load now what runs once the table is full: loading a class opens its class file, and a class
        // that fails to load then stays broken for the whole JVM.
        preloadLibraryClasses();
        Fcntl.fcntl(0, Fcntl.F_GETFD, 0);
        Errno.exception("warm-up", Errno.EMFILE).getMessage();
    }

    /**
     * Lowers the limit and fills the descriptor table.
     *
     * @return the exhausted state; close it to end it
     * @throws IOException if the limit cannot be changed or filling fails other than with EMFILE
     */
    public static DescriptorExhaustion start() throws IOException {
        DescriptorExhaustion ex = new DescriptorExhaustion();
        try {
            ex.fill();
            return ex;
        } catch (IOException | RuntimeException e) {
            ex.close();
            throw e;
        }
    }

    /** @return the EMFILE pipe2 failed with once the table was full */
    public ErrnoException pipeError() {
        return pipeError;
    }

    private void fill() throws IOException {
        rlimit.set(ValueLayout.JAVA_LONG, 0, maxOpenFd() + 16);
        rlimitCall(SETRLIMIT, "setrlimit");
        MemorySegment two = arena.allocate(ValueLayout.JAVA_INT, 2);
        try {
            while (fillers.size() < 2000) {
                Unistd.pipe2(two, Unistd.O_CLOEXEC);
                fillers.add(two.getAtIndex(ValueLayout.JAVA_INT, 0));
                fillers.add(two.getAtIndex(ValueLayout.JAVA_INT, 1));
            }
            throw new IllegalStateException("2000 descriptors did not exhaust the lowered limit");
        } catch (ErrnoException e) {
            expectEmfile(e);
            pipeError = e;
        }
        try {
            // pipe2 needs two free slots: fill a last single one with a duplicate.
            for (int i = 0; i < 10; i++) {
                fillers.add(Fcntl.fcntl(0, Fcntl.F_DUPFD_CLOEXEC, 0));
            }
        } catch (ErrnoException e) {
            expectEmfile(e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            for (int fd : fillers) {
                Unistd.close(fd);
            }
            fillers.clear();
            rlimit.set(ValueLayout.JAVA_LONG, 0, originalSoft);
            rlimitCall(SETRLIMIT, "setrlimit");
        } finally {
            arena.close();
        }
    }

    private void rlimitCall(MethodHandle h, String name) throws ErrnoException {
        MemorySegment st = Native.errnoState();
        int r;
        try {
            r = (int) h.invokeExact(st, RLIMIT_NOFILE, rlimit);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        if (r != 0) {
            throw Native.error(name + "(RLIMIT_NOFILE)", st);
        }
    }

    /** Loads every class of the library (its main classes), so that none is first loaded while fds are exhausted. */
    private static void preloadLibraryClasses() throws IOException {
        Path root;
        try {
            root = Path.of(Selector.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
        if (!Files.isDirectory(root)) {
            return; // a jar stays open once read: its classes load without new descriptors
        }
        List<String> names;
        try (var files = Files.walk(root)) {
            names = files.map(root::relativize).map(Path::toString).filter(n -> n.endsWith(".class"))
                    .filter(n -> !n.equals("module-info.class"))
                    .map(n -> n.substring(0, n.length() - 6).replace('/', '.')).toList();
        }
        for (String n : names) {
            try {
                Class.forName(n, true, Selector.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IOException("cannot preload " + n, e);
            }
        }
    }

    private static void expectEmfile(ErrnoException e) throws ErrnoException {
        if (e.errno() != Errno.EMFILE) {
            throw e;
        }
    }

    private static long maxOpenFd() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.mapToLong(p -> Long.parseLong(p.getFileName().toString())).max().orElse(0);
        }
    }
}
