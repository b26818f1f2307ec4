package io.jselectors.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.ErrnoException;
import io.jselectors.internal.os.Errno;
import io.jselectors.internal.os.Fcntl;
import io.jselectors.internal.os.Unistd;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Out of descriptors: accept throws EMFILE with advice and leaves the connection queued. The soft
 * RLIMIT_NOFILE is lowered for a moment and the free descriptors below it are filled with pipes.
 */
class DescriptorExhaustionTest extends FdCheck {
    private static final int RLIMIT_NOFILE = 7;
    private static final MethodHandle GETRLIMIT = link("getrlimit");
    private static final MethodHandle SETRLIMIT = link("setrlimit");

    private static MethodHandle link(String name) {
        Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(
                linker.defaultLookup().find(name).orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    }

    @Test
    void acceptSaysTooManyOpenFilesAndTheConnectionWaits() throws Throwable {
        try (Arena arena = Arena.ofConfined();
                ListeningSocket l = ListeningSocket.bind(new InetSocketAddress("127.0.0.1", 0));
                StreamSocket c = StreamSocket.connect(l.localAddress())) {
            await("connect", c::finishConnect);
            MemorySegment rlim = arena.allocate(16);
            assertThat((int) GETRLIMIT.invokeExact(RLIMIT_NOFILE, rlim)).isZero();
            long soft = rlim.get(ValueLayout.JAVA_LONG, 0);
            List<Pipe> fillers = new ArrayList<>();
            List<Integer> dups = new ArrayList<>();
            ErrnoException fromAccept = null;
            ErrnoException fromPipe = null;
            // Warm up the classes used while no descriptor is free.
            new ErrnoException("x", 1, "y", "z").getMessage();
            try {
                rlim.set(ValueLayout.JAVA_LONG, 0, maxOpenFd() + 16);
                assertThat((int) SETRLIMIT.invokeExact(RLIMIT_NOFILE, rlim)).isZero();
                try {
                    while (fillers.size() < 1000) {
                        fillers.add(Pipe.open());
                    }
                } catch (ErrnoException e) {
                    fromPipe = e;
                }
                // pipe2 needs two: fill a last single free slot, if any, with a duplicate
                try {
                    while (dups.size() < 10) {
                        dups.add(Fcntl.fcntl(l.fileno(), Fcntl.F_DUPFD_CLOEXEC, 0));
                    }
                } catch (ErrnoException e) {
                    assertThat(e.errno()).isEqualTo(Errno.EMFILE);
                }
                try {
                    StreamSocket unexpected = l.accept();
                    if (unexpected != null) {
                        unexpected.close();
                    }
                } catch (ErrnoException e) {
                    fromAccept = e;
                }
            } finally {
                for (Pipe p : fillers) {
                    p.close();
                }
                for (int fd : dups) {
                    Unistd.close(fd);
                }
                rlim.set(ValueLayout.JAVA_LONG, 0, soft);
                assertThat((int) SETRLIMIT.invokeExact(RLIMIT_NOFILE, rlim)).isZero();
            }
            assertThat(fromPipe).as("pipe2 under the lowered limit").isNotNull();
            assertThat(fromPipe.errno()).isEqualTo(Errno.EMFILE);
            assertThat(fromAccept).as("accept under the lowered limit").isNotNull();
            assertThat(fromAccept.errno()).isEqualTo(Errno.EMFILE);
            assertThat(fromAccept)
                    .hasMessageStartingWith("accept4(fd=" + l.fileno() + "): EMFILE (Too many open files; ")
                    .hasMessageContaining("ulimit -n");
            StreamSocket s = l.accept();
            assertThat(s).as("the connection waited in the queue").isNotNull();
            s.close();
        }
    }

    private static long maxOpenFd() throws Exception {
        try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return fds.mapToLong(p -> Long.parseLong(p.getFileName().toString())).max().orElse(0);
        }
    }
}
