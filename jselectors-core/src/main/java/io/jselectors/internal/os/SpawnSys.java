package io.jselectors.internal.os;

import static io.jselectors.internal.os.Native.C_INT;
import static io.jselectors.internal.os.Native.C_POINTER;
import static io.jselectors.internal.os.Native.C_SHORT;

import io.jselectors.ErrnoException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Starting and reaping child processes: {@code posix_spawnp} with file actions ({@code <spawn.h>}),
 * {@code waitpid} ({@code <sys/wait.h>}) and {@code kill} ({@code <signal.h>}). Linked only where the
 * platform's table has {@code <spawn.h>} (Linux so far; macOS and FreeBSD have the calls, but their struct
 * sizes and flags are not tabled yet).
 */
public final class SpawnSys {
    private static final AbiTable OS = Abi.CURRENT;
    private static final boolean TABLED = OS.hasFunction("posix_spawnp");

    /** A child descriptor left as the parent's own (inherited). */
    public static final int INHERIT = -1;
    /** A child descriptor opened on {@code /dev/null}. */
    public static final int DEVNULL = -2;

    private static final long FILE_ACTIONS_SIZE = OS.sizeOfOr("posix_spawn_file_actions_t", 0);
    private static final long ATTR_SIZE = OS.sizeOfOr("posix_spawnattr_t", 0);
    private static final int SETSIGMASK = OS.constantOr("POSIX_SPAWN_SETSIGMASK", 0);
    private static final int WNOHANG = OS.constantOr("WNOHANG", 0);
    private static final int O_RDWR = OS.constantOr("O_RDWR", 0);

    private static final FunctionDescriptor INT_OF_PTR = FunctionDescriptor.of(C_INT, C_POINTER);
    private static final Optional<MethodHandle> FA_INIT = plain("posix_spawn_file_actions_init", INT_OF_PTR);
    private static final Optional<MethodHandle> FA_DESTROY = plain("posix_spawn_file_actions_destroy", INT_OF_PTR);
    private static final Optional<MethodHandle> FA_DUP2 = plain("posix_spawn_file_actions_adddup2",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT));
    private static final Optional<MethodHandle> FA_OPEN = plain("posix_spawn_file_actions_addopen",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER, C_INT, C_INT));
    private static final Optional<MethodHandle> FA_CLOSEFROM = plain("posix_spawn_file_actions_addclosefrom_np",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT));
    private static final Optional<MethodHandle> FA_CHDIR = plain("posix_spawn_file_actions_addchdir_np",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));
    private static final Optional<MethodHandle> ATTR_INIT = plain("posix_spawnattr_init", INT_OF_PTR);
    private static final Optional<MethodHandle> ATTR_DESTROY = plain("posix_spawnattr_destroy", INT_OF_PTR);
    private static final Optional<MethodHandle> ATTR_SETFLAGS = plain("posix_spawnattr_setflags",
            FunctionDescriptor.of(C_INT, C_POINTER, C_SHORT));
    private static final Optional<MethodHandle> ATTR_SETSIGMASK = plain("posix_spawnattr_setsigmask",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));
    private static final Optional<MethodHandle> SPAWNP = plain("posix_spawnp",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER));
    private static final Optional<MethodHandle> WAITPID =
            TABLED ? Native.downcallIfPresent("waitpid", FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_INT)) : Optional.empty();
    private static final Optional<MethodHandle> KILL =
            TABLED ? Native.downcallIfPresent("kill", FunctionDescriptor.of(C_INT, C_INT, C_INT)) : Optional.empty();

    private SpawnSys() {}

    private static Optional<MethodHandle> plain(String name, FunctionDescriptor d) {
        return TABLED ? Native.plainDowncallIfPresent(name, d) : Optional.empty();
    }

    /** @return true where the table has {@code <spawn.h>} and the C library the calls (Linux with glibc) */
    public static boolean isAvailable() {
        return TABLED && SPAWNP.isPresent() && FA_INIT.isPresent() && FA_DESTROY.isPresent() && FA_DUP2.isPresent()
                && FA_OPEN.isPresent() && ATTR_INIT.isPresent() && ATTR_DESTROY.isPresent() && ATTR_SETFLAGS.isPresent()
                && ATTR_SETSIGMASK.isPresent() && WAITPID.isPresent() && KILL.isPresent() && SignalSys.isAvailable();
    }

    /** @return whether the child closes every descriptor from 3 up before exec (glibc 2.34+) */
    public static boolean closesInheritedDescriptors() {
        return FA_CLOSEFROM.isPresent();
    }

    /** @return whether a working directory can be given (glibc 2.29+) */
    public static boolean canChangeDirectory() {
        return FA_CHDIR.isPresent();
    }

    /**
     * Starts {@code argv[0]} (searched on {@code PATH} if it has no slash) with its standard descriptors set up:
     * {@code stdio[n]} is a descriptor to {@code dup2} onto n, {@link #INHERIT} or {@link #DEVNULL}. The child
     * starts with an empty signal mask and, where the C library can, with every descriptor from 3 up closed
     * (the rest are close-on-exec in this library; descriptors others opened without it may be inherited
     * elsewhere). Descriptors to dup2 must be 3 or above, so that no dup2 overwrites another's source.
     *
     * @param argv  the program and its arguments
     * @param env   the environment, {@code NAME=value} strings
     * @param stdio three entries, for descriptors 0, 1 and 2
     * @param dir   the working directory, or null for this process's
     * @return the child's pid
     * @throws ErrnoException the error number of the failing call, naming the program (ENOENT, EACCES, ...)
     */
    public static int spawn(List<String> argv, List<String> env, int[] stdio, Path dir) throws ErrnoException {
        String program = argv.get(0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fa = arena.allocate(FILE_ACTIONS_SIZE, 8);
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            MemorySegment mask = arena.allocate(SignalSys.SIGSET_SIZE, 8);
            SignalSys.fill(mask);
            check(call(FA_INIT, "posix_spawn_file_actions_init", fa), "posix_spawn_file_actions_init");
            try {
                check(call(ATTR_INIT, "posix_spawnattr_init", attr), "posix_spawnattr_init");
                try {
                    check(setFlags(attr, (short) SETSIGMASK), "posix_spawnattr_setflags");
                    check(call2(ATTR_SETSIGMASK, "posix_spawnattr_setsigmask", attr, mask), "posix_spawnattr_setsigmask");
                    MemorySegment devnull = arena.allocateFrom("/dev/null");
                    for (int n = 0; n < 3; n++) {
                        int fd = stdio[n];
                        if (fd == DEVNULL) {
                            check(addOpen(fa, n, devnull), "posix_spawn_file_actions_addopen(" + n + ", /dev/null)");
                        } else if (fd != INHERIT) {
                            if (fd < 3) {
                                throw new IllegalArgumentException("descriptor " + fd + " to dup2 onto " + n + " is below 3");
                            }
                            check(dup2(fa, fd, n), "posix_spawn_file_actions_adddup2(" + fd + ", " + n + ")");
                        }
                    }
                    if (FA_CLOSEFROM.isPresent()) {
                        check(closeFrom(fa, 3), "posix_spawn_file_actions_addclosefrom_np(3)");
                    }
                    if (dir != null) {
                        MemorySegment d = arena.allocateFrom(dir.toString());
                        check(call2(FA_CHDIR, "posix_spawn_file_actions_addchdir_np", fa, d),
                                "posix_spawn_file_actions_addchdir_np(" + dir + ")");
                    }
                    MemorySegment pid = arena.allocate(C_INT);
                    int r = spawnp(pid, arena.allocateFrom(program), fa, attr, strings(arena, argv), strings(arena, env));
                    if (r != 0) {
                        throw Errno.exception("posix_spawnp(" + program + (dir != null ? ", in " + dir : "") + ")", r);
                    }
                    return pid.get(C_INT, 0);
                } finally {
                    call(ATTR_DESTROY, "posix_spawnattr_destroy", attr);
                }
            } finally {
                call(FA_DESTROY, "posix_spawn_file_actions_destroy", fa);
            }
        }
    }

    /** A NULL-terminated {@code char *[]} of the strings, in the arena. */
    private static MemorySegment strings(Arena arena, List<String> values) {
        MemorySegment array = arena.allocate(ValueLayout.ADDRESS, values.size() + 1L);
        for (int i = 0; i < values.size(); i++) {
            array.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(values.get(i)));
        }
        array.setAtIndex(ValueLayout.ADDRESS, values.size(), MemorySegment.NULL);
        return array;
    }

    private static void check(int r, String call) throws ErrnoException {
        if (r != 0) {
            throw Errno.exception(call, r);
        }
    }

    private static int call(Optional<MethodHandle> h, String name, MemorySegment a) {
        try {
            return (int) Native.require(h, name).invokeExact(a);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
    }

    private static int call2(Optional<MethodHandle> h, String name, MemorySegment a, MemorySegment b) {
        try {
            return (int) Native.require(h, name).invokeExact(a, b);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
    }

    private static int setFlags(MemorySegment attr, short flags) {
        try {
            return (int) Native.require(ATTR_SETFLAGS, "posix_spawnattr_setflags").invokeExact(attr, flags);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
    }

    private static int addOpen(MemorySegment fa, int fd, MemorySegment path) {
        try {
            return (int) Native.require(FA_OPEN, "posix_spawn_file_actions_addopen").invokeExact(fa, fd, path, O_RDWR, 0);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
    }

    private static int dup2(MemorySegment fa, int fd, int newFd) {
        try {
            return (int) Native.require(FA_DUP2, "posix_spawn_file_actions_adddup2").invokeExact(fa, fd, newFd);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
    }

    private static int closeFrom(MemorySegment fa, int from) {
        try {
            return (int) Native.require(FA_CLOSEFROM, "posix_spawn_file_actions_addclosefrom_np").invokeExact(fa, from);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
    }

    private static int spawnp(MemorySegment pid, MemorySegment file, MemorySegment fa, MemorySegment attr,
            MemorySegment argv, MemorySegment envp) {
        try {
            return (int) Native.require(SPAWNP, "posix_spawnp").invokeExact(pid, file, fa, attr, argv, envp);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
    }

    /**
     * {@code waitpid(pid, &status, WNOHANG)}: reaps the child if it has exited. EINTR is retried.
     *
     * @param pid    a child of this process
     * @param status one C int: receives the raw wait status
     * @return true if the child was reaped (its status is in {@code status}); false if it still runs
     * @throws ErrnoException on ECHILD (not a child of this process, or reaped already)
     */
    public static boolean reap(int pid, MemorySegment status) throws ErrnoException {
        if (status.byteSize() < C_INT.byteSize()) {
            throw new IllegalArgumentException("waitpid needs room for an int, got " + status.byteSize() + " bytes");
        }
        MemorySegment st = Native.errnoState();
        while (true) {
            int r;
            try {
                r = (int) Native.require(WAITPID, "waitpid").invokeExact(st, pid, status, WNOHANG);
            } catch (Throwable t) {
                throw Native.linkageFailure(t);
            }
            if (r > 0) {
                return true;
            }
            if (r == 0) {
                return false;
            }
            if (Native.errno(st) != Errno.EINTR) {
                throw Native.error("waitpid(pid=" + pid + ")", st);
            }
        }
    }

    /**
     * The exit status as asyncio reports it, from a raw wait status. The encoding is the one of glibc's
     * {@code bits/waitstatus.h} ({@code WIFEXITED}: low 7 bits 0, {@code WEXITSTATUS}: bits 8-15,
     * {@code WTERMSIG}: low 7 bits), which xnu's and FreeBSD's {@code <sys/wait.h>} share.
     *
     * @param raw the status waitpid stored
     * @return the exit code (0-255), or minus the signal that ended the process
     */
    public static int exitStatus(int raw) {
        int low = raw & 0x7f;
        return low == 0 ? (raw >> 8) & 0xff : -low;
    }

    /**
     * {@code kill(pid, sig)}.
     *
     * @param pid the process
     * @param sig the signal number
     * @throws ErrnoException on ESRCH, EPERM, EINVAL
     */
    public static void kill(int pid, int sig) throws ErrnoException {
        MemorySegment st = Native.errnoState();
        int r;
        try {
            r = (int) Native.require(KILL, "kill").invokeExact(st, pid, sig);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        if (r != 0) {
            throw Native.error("kill(pid=" + pid + ", sig=" + sig + ")", st);
        }
    }
}
