package io.jselectors.loop;

import io.jselectors.ErrnoException;
import io.jselectors.internal.os.Fcntl;
import io.jselectors.internal.os.Native;
import io.jselectors.internal.os.Platform;
import io.jselectors.internal.os.SpawnSys;
import io.jselectors.internal.os.Unistd;
import io.jselectors.net.NativeStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a child for {@link EventLoop#subprocessExec}: a pipe per piped descriptor (close-on-exec at both
 * ends; only the parent's end non-blocking, since O_NONBLOCK would be shared with the child's end otherwise
 * not), {@code posix_spawnp} with file actions that dup2 the child's ends onto 0, 1, 2, then the child's ends
 * closed in the parent. On any failure every descriptor made here is closed.
 */
final class SubprocessLauncher {
    private SubprocessLauncher() {}

    static Subprocess start(EventLoop loop, List<String> argv, SubprocessProtocol protocol, SubprocessOptions options)
            throws IOException {
        List<String> args = List.copyOf(argv); // also refuses null elements
        if (args.isEmpty()) {
            throw new IllegalArgumentException("argv is empty: give at least the program to run");
        }
        for (String a : args) {
            if (a.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("argument " + a.replace('\0', '?') + " holds a NUL, which C cannot pass");
            }
        }
        if (!SpawnSys.isAvailable()) {
            throw new UnsupportedOperationException("subprocesses need posix_spawn, whose structs are tabled for Linux"
                    + " only so far; not on " + Platform.describe());
        }
        if (options.directory() != null && !SpawnSys.canChangeDirectory()) {
            throw new UnsupportedOperationException("a working directory needs posix_spawn_file_actions_addchdir_np"
                    + " (glibc 2.29+), which this C library lacks");
        }
        SubprocessOptions.Stdio[] modes = {options.stdin(), options.stdout(), options.stderr()};
        int[] stdio = new int[3];
        int[] parentFds = {-1, -1, -1};
        List<Integer> childFds = new ArrayList<>(3);
        NativeStream[] ends = new NativeStream[3];
        int pid;
        try {
            for (int n = 0; n < 3; n++) {
                stdio[n] = switch (modes[n]) {
                    case INHERIT -> SpawnSys.INHERIT;
                    case DEVNULL -> SpawnSys.DEVNULL;
                    case PIPE -> {
                        int[] p = pipe();
                        int child = n == 0 ? p[0] : p[1];
                        parentFds[n] = n == 0 ? p[1] : p[0];
                        childFds.add(child);
                        int moved = aboveStdio(child);
                        childFds.set(childFds.size() - 1, moved);
                        yield moved;
                    }
                };
            }
            pid = SpawnSys.spawn(args, environment(options.environment()), stdio, options.directory());
            for (int n = 0; n < 3; n++) {
                if (parentFds[n] >= 0) {
                    ends[n] = NativeStream.adopt(parentFds[n]);
                    parentFds[n] = -1;
                }
            }
        } catch (IOException | RuntimeException e) {
            for (int fd : parentFds) {
                closeQuietly(fd);
            }
            for (NativeStream s : ends) {
                if (s != null) {
                    StreamTransport.closeQuietly(s);
                }
            }
            throw e;
        } finally {
            for (int fd : childFds) {
                closeQuietly(fd);
            }
        }
        Subprocess p = new Subprocess(loop, pid, protocol);
        p.start(ends);
        return p;
    }

    /** @return a pipe's read and write ends, blocking and close-on-exec */
    private static int[] pipe() throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(Native.C_INT, 2);
            Unistd.pipe2(fds, Unistd.O_CLOEXEC);
            return new int[] {fds.getAtIndex(Native.C_INT, 0), fds.getAtIndex(Native.C_INT, 1)};
        }
    }

    /**
     * A child's end numbered 0-2 (this process had closed its own) is moved to 3 or above, so that no dup2 in
     * the child overwrites another end before it is copied, and dup2 onto itself never keeps close-on-exec.
     */
    private static int aboveStdio(int fd) throws ErrnoException {
        if (fd >= 3) {
            return fd;
        }
        int moved = Fcntl.fcntl(fd, Fcntl.F_DUPFD_CLOEXEC, 3);
        Unistd.close(fd);
        return moved;
    }

    private static List<String> environment(Map<String, String> env) {
        List<String> out = new ArrayList<>();
        (env != null ? env : System.getenv()).forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    private static void closeQuietly(int fd) {
        if (fd >= 0) {
            try {
                Unistd.close(fd);
            } catch (ErrnoException e) {
                // released anyway
            }
        }
    }
}
