package io.jselectors.internal.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.internal.os.AbiTable.Fact;
import io.jselectors.internal.os.AbiTable.Kind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every profile's table loads on any OS, dumps in the agreed format, and holds every fact the bindings read. */
class AbiTablesTest {
    private static final Pattern LINE =
            Pattern.compile("(const [A-Z_][A-Z0-9_]*|const SYS_[a-z0-9_]+|sizeof [a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)?"
                    + "|offset [a-z_][a-z0-9_]*\\.[a-z_][a-z0-9_]*) -?[0-9]+");

    /** Facts a platform may lack; the bindings read them with a fallback. Everything else every profile has. */
    private static final Set<String> PLATFORM_SPECIFIC = Set.of("SOCK_NONBLOCK", "SOCK_CLOEXEC", "SO_NOSIGPIPE",
            "TCP_KEEPIDLE", "TCP_KEEPALIVE", "sockaddr_in.sin_len", "sockaddr_in6.sin6_len", "sockaddr_un.sun_len", "kevent.ext");
    /** What io.jselectors.fd and the loop's subprocesses use, tabled for Linux only so far (unavailable elsewhere). */
    private static final Set<String> LINUX_FD_HEADERS =
            Set.of("sys/timerfd.h", "sys/inotify.h", "sys/signalfd.h", "signal.h", "termios.h", "spawn.h", "sys/wait.h");
    private static final Set<String> LINUX_FD_FACTS = Set.of("ESRCH", "ENOSPC", "O_RDWR", "O_NOCTTY");

    @Test
    void profilesAreTheFiveOfTheIssue() {
        assertThat(Abi.profiles())
                .containsExactly("linux-x86_64", "linux-aarch64", "macos-x86_64", "macos-aarch64", "freebsd-x86_64");
    }

    @Test
    void everyProfileDumpsInTheAgreedFormat() {
        for (String p : Abi.profiles()) {
            Result r = dump(p);
            assertThat(r.status).as(p).isZero();
            assertThat(r.out.lines()).as(p).isNotEmpty().allMatch(l -> LINE.matcher(l).matches(), "fact line");
            assertThat(r.out.lines().distinct().count()).as(p + " has no duplicate lines")
                    .isEqualTo(r.out.lines().count());
        }
    }

    @Test
    void examplesFromTheIssueAreThere() {
        assertThat(dump("macos-aarch64").out.lines()).contains("const SOL_SOCKET 65535", "sizeof sockaddr_in6 28",
                "offset sockaddr_in6.sin6_port 2", "sizeof kevent 32", "const EVFILT_USER -10", "const AF_INET6 30",
                "sizeof timeval.tv_usec 4", "sizeof nfds_t 4", "sizeof msghdr.msg_iovlen 4", "const EAGAIN 35");
        assertThat(dump("freebsd-x86_64").out.lines()).contains("sizeof kevent 64", "offset kevent.ext 32",
                "const EVFILT_USER -11", "const AF_INET6 28", "const SOCK_NONBLOCK 536870912", "const EOPNOTSUPP 45");
        assertThat(dump("linux-x86_64").out.lines()).contains("const SOL_SOCKET 1", "const AF_INET6 10",
                "sizeof epoll_event 12", "offset epoll_event.data 4", "const EPOLLET 2147483648", "const EAGAIN 11");
        assertThat(dump("linux-aarch64").out.lines()).contains("sizeof epoll_event 16", "offset epoll_event.data 8");
        assertThat(dump(LibkqueueTables.NAME).out.lines())
                .contains("sizeof kevent 32", "const EVFILT_USER -11", "offset kevent.udata 24");
    }

    @Test
    void linuxProfilesHaveNoKqueueAndTheBsdsNoEpoll() {
        assertThat(Abi.of("linux-x86_64").has("EVFILT_READ")).isFalse();
        assertThat(Abi.of("macos-x86_64").has("EPOLLIN")).isFalse();
        assertThat(Abi.of("freebsd-x86_64").has("EFD_CLOEXEC")).isFalse();
        assertThat(Abi.of("macos-x86_64").has("SOCK_NONBLOCK")).isFalse();
        assertThat(Abi.of("macos-x86_64").hasFunction("accept4")).isFalse();
        assertThat(Abi.of("freebsd-x86_64").hasFunction("accept4")).isTrue();
    }

    @Test
    void everyProfileHasTheFactsEveryPlatformShares() {
        Set<String> linux = keys(Abi.of("linux-x86_64"), Set.of("epoll", "EPOLL", "EFD_", "SYS_"));
        Set<String> mac = keys(Abi.of("macos-x86_64"), Set.of("kevent", "EV_", "EVFILT_", "NOTE_"));
        Set<String> bsd = keys(Abi.of("freebsd-x86_64"), Set.of("kevent", "EV_", "EVFILT_", "NOTE_"));
        assertThat(mac).isEqualTo(linux);
        assertThat(bsd).isEqualTo(linux);
        // The keep-alive idle time under each platform's own name: macOS calls it TCP_KEEPALIVE.
        for (String p : List.of("linux-x86_64", "linux-aarch64", "freebsd-x86_64")) {
            assertThat(Abi.of(p).has("TCP_KEEPIDLE")).as(p).isTrue();
        }
        for (String p : List.of("macos-x86_64", "macos-aarch64")) {
            assertThat(Abi.of(p).has("TCP_KEEPALIVE") && !Abi.of(p).has("TCP_KEEPIDLE")).as(p).isTrue();
        }
        assertThat(keys(Abi.of("linux-aarch64"), Set.of())).isEqualTo(keys(Abi.of("linux-x86_64"), Set.of()));
        assertThat(keys(Abi.of("macos-aarch64"), Set.of())).isEqualTo(keys(Abi.of("macos-x86_64"), Set.of()));
        Set<String> kqueue = keys(Abi.of("macos-x86_64"), Set.of()).stream()
                .filter(k -> k.contains("kevent") || k.contains(" EV") || k.contains(" NOTE_"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(keys(Abi.of(LibkqueueTables.NAME), Set.of())).isEqualTo(kqueue);
    }

    @Test
    void unknownProfileListsTheKnownOnesAndExitsTwo() {
        Result r = dump("windows-x86_64");
        assertThat(r.status).isEqualTo(2);
        assertThat(r.out).isEmpty();
        assertThat(r.err).contains("unknown profile 'windows-x86_64'").contains(String.join(", ", Abi.profiles()));
        assertThatThrownBy(() -> Abi.of("nope")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void noArgumentDumpsTheRunningPlatform() {
        assertThat(dump().out).isEqualTo(dump(Abi.CURRENT.profile()).out);
        assertThat(Abi.profileFor("Linux", "amd64")).isEqualTo("linux-x86_64");
        assertThat(Abi.profileFor("Mac OS X", "aarch64")).isEqualTo("macos-aarch64");
        assertThat(Abi.profileFor("FreeBSD", "amd64")).isEqualTo("freebsd-x86_64");
        assertThat(Abi.profileFor("FreeBSD", "aarch64")).isNull();
        assertThat(Abi.profileFor("Windows 11", "amd64")).isNull();
    }

    @Test
    void everyFactNamesItsHeader() {
        for (String p : Abi.profiles()) {
            for (Fact f : Abi.of(p).facts()) {
                assertThat(f.include()).as(f.line()).endsWith(".h");
                assertThat(f.source()).as(f.line()).isNotBlank();
                if (f.kind() != Kind.CONST) {
                    assertThat(f.value()).as(p + " " + f.line()).isNotNegative();
                }
            }
        }
    }

    /** The fact keys of a table, minus platform-specific ones and those whose name contains a skipped part. */
    private static Set<String> keys(AbiTable t, Set<String> skip) {
        return t.facts().stream()
                .filter(f -> !PLATFORM_SPECIFIC.contains(f.name()))
                .filter(f -> !LINUX_FD_HEADERS.contains(f.include()) && !LINUX_FD_FACTS.contains(f.name()))
                .filter(f -> skip.stream().noneMatch(s -> f.name().contains(s)))
                .map(f -> f.kind().word() + " " + f.name())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private record Result(int status, String out, String err) {}

    private static Result dump(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = AbiDump.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

}
