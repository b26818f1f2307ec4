package io.jselectors.internal.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.Fds;
import java.io.File;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The code paths of the platforms this machine is not, run here: pipe+fcntl and accept+fcntl (both calls
 * exist on Linux), sockaddr encoding in every profile's layout, errno text through XSI strerror_r and the
 * tables' names, and every binding class initialising with another profile's table without looking up a
 * symbol that platform lacks.
 */
class PlatformVariantsTest {
    /** The symbols only some platforms have; none may be looked up where the table does not list it. */
    private static final Set<String> PLATFORM_SYMBOLS = Set.of("accept4", "pipe2", "eventfd", "epoll_create1", "epoll_ctl",
            "epoll_wait", "epoll_pwait2", "strerrorname_np", "strerrordesc_np", "__xpg_strerror_r", "strerror_r",
            "kqueue", "kevent", "posix_openpt", "grantpt", "unlockpt", "timerfd_create", "timerfd_settime",
            "timerfd_gettime", "inotify_init1", "inotify_add_watch", "inotify_rm_watch", "signalfd", "pidfd_open",
            "ptsname_r", "cfmakeraw");

    @Test
    void pipeThenFcntlAppliesTheFlagsLikePipe2() throws IOException {
        int before = Fds.openCount();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment two = arena.allocate(ValueLayout.JAVA_INT, 2);
            for (int flags : new int[] {Unistd.O_NONBLOCK | Unistd.O_CLOEXEC, Unistd.O_NONBLOCK, Unistd.O_CLOEXEC, 0}) {
                Unistd.pipeThenFcntl(two, flags);
                int r = two.getAtIndex(ValueLayout.JAVA_INT, 0);
                int w = two.getAtIndex(ValueLayout.JAVA_INT, 1);
                try {
                    for (int fd : new int[] {r, w}) {
                        assertThat(Fcntl.fcntl(fd, Fcntl.F_GETFL, 0) & Unistd.O_NONBLOCK)
                                .isEqualTo(flags & Unistd.O_NONBLOCK);
                        assertThat((Fcntl.fcntl(fd, Fcntl.F_GETFD, 0) & Fcntl.FD_CLOEXEC) != 0)
                                .isEqualTo((flags & Unistd.O_CLOEXEC) != 0);
                    }
                    MemorySegment b = arena.allocate(1);
                    b.set(ValueLayout.JAVA_BYTE, 0, (byte) 42);
                    assertThat(Unistd.write(w, b)).isEqualTo(1);
                    b.set(ValueLayout.JAVA_BYTE, 0, (byte) 0);
                    assertThat(Unistd.read(r, b)).isEqualTo(1);
                    assertThat(b.get(ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 42);
                } finally {
                    Unistd.close(r);
                    Unistd.close(w);
                }
            }
            assertThatThrownBy(() -> Unistd.pipeThenFcntl(two, 0x40)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(Fds.openCount()).isEqualTo(before);
    }

    @Test
    void acceptThenFcntlAppliesTheFlagsLikeAccept4() throws IOException {
        int before = Fds.openCount();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(SockAddr.STORAGE_SIZE);
            MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
            int listener = Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_NONBLOCK, 0);
            try {
                int n = SockAddr.encode(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), addr);
                assertThat(Sockets.bindRaw(listener, addr, n)).isZero();
                Sockets.listen(listener, 8);
                Sockets.getsockname(listener, addr, len);
                SocketAddress bound = SockAddr.decode(addr, len.get(ValueLayout.JAVA_INT, 0));
                assertThat(Sockets.acceptThenFcntl(listener, Sockets.SOCK_NONBLOCK)).as("nothing pending")
                        .isEqualTo((int) Unistd.WOULD_BLOCK);
                int[] flagSets = {Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC, Sockets.SOCK_CLOEXEC, 0};
                for (int flags : flagSets) {
                    int client = Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0);
                    try {
                        int m = SockAddr.encode(bound, addr);
                        assertThat(Sockets.connectRaw(client, addr, m)).isZero();
                        int c = acceptSoon(listener, flags);
                        try {
                            assertThat((Fcntl.fcntl(c, Fcntl.F_GETFL, 0) & Unistd.O_NONBLOCK) != 0)
                                    .isEqualTo((flags & Sockets.SOCK_NONBLOCK) != 0);
                            assertThat((Fcntl.fcntl(c, Fcntl.F_GETFD, 0) & Fcntl.FD_CLOEXEC) != 0)
                                    .isEqualTo((flags & Sockets.SOCK_CLOEXEC) != 0);
                            Sockets.getpeernameRaw(c, addr, len);
                            assertThat(SockAddr.decode(addr, len.get(ValueLayout.JAVA_INT, 0)))
                                    .isInstanceOf(InetSocketAddress.class);
                        } finally {
                            Unistd.close(c);
                        }
                    } finally {
                        Unistd.close(client);
                    }
                }
            } finally {
                Unistd.close(listener);
            }
        }
        assertThat(Fds.openCount()).isEqualTo(before);
    }

    private static int acceptSoon(int listener, int flags) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            int c = Sockets.acceptThenFcntl(listener, flags);
            if (c >= 0) {
                return c;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no connection to accept within 5 s");
    }

    @Test
    void sockaddrRoundTripsInEveryProfilesLayout() throws Exception {
        InetAddress scoped = Inet6Address.getByAddress(null, InetAddress.getByName("fe80::1").getAddress(), 3);
        List<SocketAddress> addresses = List.of(
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 7007),
                new InetSocketAddress(InetAddress.getByName("::1"), 65535),
                new InetSocketAddress(scoped, 1),
                UnixDomainSocketAddress.of("/tmp/jselectors.sock"),
                UnixDomainSocketAddress.of(""));
        for (String profile : Abi.profiles()) {
            AbiTable t = Abi.of(profile);
            SockAddr.Layout layout = SockAddr.Layout.of(t);
            boolean bsd = t.os() != AbiTable.Os.LINUX;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = arena.allocate(layout.storageSize());
                for (SocketAddress a : addresses) {
                    int len = SockAddr.encode(layout, a, out);
                    int family = SockAddr.family(layout, a);
                    if (bsd) {
                        assertThat(out.get(ValueLayout.JAVA_BYTE, 0)).as(profile + " sin_len of " + a).isEqualTo((byte) len);
                        assertThat(out.get(ValueLayout.JAVA_BYTE, 1)).as(profile + " family of " + a).isEqualTo((byte) family);
                    } else {
                        assertThat(out.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0)).as(profile + " family of " + a)
                                .isEqualTo((short) family);
                    }
                    assertThat(SockAddr.decode(layout, out, len)).as(profile + " round trip").isEqualTo(a);
                }
                assertThat(SockAddr.encode(layout, addresses.get(0), out)).isEqualTo(t.sizeOf("sockaddr_in"));
                assertThat(out.get(ValueLayout.JAVA_BYTE, 2)).as("port, big endian").isEqualTo((byte) (7007 >> 8));
                assertThat(SockAddr.encode(layout, addresses.get(1), out)).isEqualTo(t.sizeOf("sockaddr_in6"));
                String longest = "/" + "p".repeat(layout.unPathMax() - 1);
                assertThat(SockAddr.encode(layout, UnixDomainSocketAddress.of(longest), out))
                        .isEqualTo(t.sizeOf("sockaddr_un"));
                assertThatThrownBy(() -> SockAddr.encode(layout, UnixDomainSocketAddress.of(longest + "p"), out))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("the limit is " + layout.unPathMax());
            }
        }
        assertThat(SockAddr.Layout.of(Abi.of("macos-aarch64")).afInet6()).isEqualTo(30);
        assertThat(SockAddr.Layout.of(Abi.of("freebsd-x86_64")).afInet6()).isEqualTo(28);
        assertThat(SockAddr.Layout.of(Abi.of("freebsd-x86_64")).unPathMax()).isEqualTo(103);
    }

    @Test
    void errnoTextWithoutGlibcExtensions() {
        var xsi = Errno.plain(Abi.of("linux-x86_64"), Errno.xsiStrerrorR(Abi.of("linux-x86_64")),
                FunctionDescriptor.of(Native.C_INT, Native.C_INT, Native.C_POINTER, Native.C_SIZE_T));
        assertThat(xsi).as("glibc's XSI strerror_r").isPresent();
        assertThat(Errno.describeWithStrerrorR(xsi, Errno.EBADF)).isEqualTo("Bad file descriptor");
        assertThat(Errno.describeWithStrerrorR(xsi, 123_456)).isEqualTo("unknown error");
        assertThat(Errno.xsiStrerrorR(Abi.of("macos-x86_64"))).isEqualTo("strerror_r");
        var mac = Errno.names(Abi.of("macos-x86_64"));
        assertThat(Errno.nameFromTable(mac, 35)).isEqualTo("EAGAIN");
        assertThat(Errno.nameFromTable(mac, 102)).isEqualTo("EOPNOTSUPP");
        assertThat(Errno.nameFromTable(mac, 55)).isEqualTo("ENOBUFS");
        assertThat(Errno.nameFromTable(Errno.names(Abi.of("freebsd-x86_64")), 45)).isEqualTo("EOPNOTSUPP");
        assertThat(Errno.nameFromTable(mac, 9999)).isEqualTo("errno 9999");
    }

    @Test
    void everyBindingLoadsWithEveryProfilesTable() throws Exception {
        for (String profile : Abi.profiles()) {
            List<String> out = runWithProfile(profile);
            AbiTable t = Abi.of(profile);
            assertThat(out).as(profile).contains("profile " + profile,
                    "epoll " + t.hasFunction("epoll_create1"),
                    "eventfd " + t.hasFunction("eventfd"),
                    "EAGAIN " + t.constant("EAGAIN") + " EAGAIN",
                    "msghdr " + t.sizeOf("msghdr") + " iovlen at " + t.offsetOf("msghdr.msg_iovlen"),
                    "timeval " + t.sizeOf("timeval"),
                    "sockaddr_un " + t.sizeOf("sockaddr_un"),
                    "kqueue facts " + (t.has("EVFILT_USER") ? profile + " " + t.sizeOf("kevent")
                            : LibkqueueTables.NAME + " 32"));
            assertThat(out).as(profile).contains("SOCK_NONBLOCK " + t.constantOr("SOCK_NONBLOCK", 1 << 30));
            String looked = out.stream().filter(l -> l.startsWith("looked up ")).findFirst().orElseThrow();
            for (String symbol : looked.substring("looked up ".length()).split(",")) {
                if (PLATFORM_SYMBOLS.contains(symbol)) {
                    assertThat(t.hasFunction(symbol)).as(profile + " looked up " + symbol).isTrue();
                }
            }
            boolean fds = t.hasFunction("timerfd_create");
            assertThat(out).as(profile).contains("fds " + fds + " " + fds + " " + fds + " " + fds + " " + fds);
            Set<String> symbols = Set.of(looked.substring("looked up ".length()).split(","));
            if (!t.hasFunction("signalfd")) {
                assertThat(symbols).as(profile + ": signal masks are linked only with signalfd")
                        .doesNotContain("pthread_sigmask", "sigemptyset", "raise");
            }
            if (!t.hasFunction("ptsname_r")) {
                assertThat(symbols).as(profile + ": terminal calls are linked only with ptsname_r")
                        .doesNotContain("posix_openpt", "open", "tcsetattr");
            }
        }
    }

    private static List<String> runWithProfile(String profile) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classes = Path.of(Abi.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        String tests = Path.of(LoadBindings.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-D" + Abi.PROFILE_PROPERTY + "=" + profile, "-cp", classes + File.pathSeparator + tests,
                LoadBindings.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
        io.jselectors.testsupport.ChildProcesses.closeStreams(p);
        assertThat(p.exitValue()).as(profile + ":\n" + out).isZero();
        return out.lines().toList();
    }
}
