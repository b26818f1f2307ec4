package io.jselectors;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In a JVM that denies native access, every entry point throws one NativeAccessDeniedException naming the flag
 * to add, every time: no ExceptionInInitializerError first and NoClassDefFoundError after. Runs a forked JVM
 * with {@code --illegal-native-access=deny}, the library on the class path and then on the module path.
 */
class NativeAccessDeniedTest {
    private static final String PROBE = """
            import io.jselectors.*;
            import io.jselectors.fd.*;
            import io.jselectors.loop.EventLoop;
            import io.jselectors.net.*;
            import java.net.InetSocketAddress;
            import java.util.concurrent.Callable;

            public class Probe {
                public static void main(String[] args) {
                    System.out.println("epoll available: " + EpollSelector.isAvailable());
                    for (int round = 1; round <= 2; round++) {
                        try_("Selector.open", Selector::open);
                        try_("EpollSelector.open", EpollSelector::open);
                        try_("PollSelector.open", PollSelector::open);
                        try_("SelectSelector.open", SelectSelector::open);
                        try_("EventLoop.open", EventLoop::open);
                        try_("Pipe.open", Pipe::open);
                        try_("StreamSocket.pair", StreamSocket::pair);
                        try_("ListeningSocket.bind", () -> ListeningSocket.bind(new InetSocketAddress("127.0.0.1", 0)));
                        try_("EventFd.open", () -> EventFd.open(0));
                        try_("TimerFd.open", () -> TimerFd.open(TimerFd.Clock.MONOTONIC));
                        try_("Inotify.open", Inotify::open);
                        try_("SignalFd.open", () -> SignalFd.open("USR1"));
                        try_("PidFd.of", () -> PidFd.of(ProcessHandle.current()));
                        try_("Pty.open", Pty::open);
                    }
                }

                static void try_(String what, Callable<?> call) {
                    try {
                        System.out.println(what + ": returned " + call.call());
                    } catch (Throwable t) {
                        System.out.println(what + ": " + t);
                    }
                }
            }
            """;

    @Test
    void onTheClassPathEveryEntryPointNamesAllUnnamed(@TempDir Path dir) throws Exception {
        List<String> lines = run(dir, "-cp");
        assertEveryCallDenied(lines, "--enable-native-access=ALL-UNNAMED");
    }

    @Test
    void onTheModulePathEveryEntryPointNamesTheModule(@TempDir Path dir) throws Exception {
        List<String> lines = run(dir, "-p");
        assertEveryCallDenied(lines, "--enable-native-access=io.jselectors");
    }

    private static void assertEveryCallDenied(List<String> lines, String flag) {
        assertThat(lines.getFirst()).isEqualTo("epoll available: true");
        List<String> calls = lines.subList(1, lines.size());
        assertThat(calls).as(String.join("\n", lines)).hasSize(28).allSatisfy(line -> assertThat(line)
                .contains(": io.jselectors.NativeAccessDeniedException: jselectors cannot call ")
                .contains(flag)
                .contains("Enable-Native-Access: ALL-UNNAMED"));
    }

    private static List<String> run(Path dir, String pathOption) throws Exception {
        Path probe = Files.writeString(dir.resolve("Probe.java"), PROBE);
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path classes = Path.of(Selector.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> cmd = new ArrayList<>(List.of(java, "--illegal-native-access=deny", pathOption, classes.toString()));
        if (pathOption.equals("-p")) {
            cmd.addAll(List.of("--add-modules", "io.jselectors"));
        }
        cmd.add(probe.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("probe finished").isTrue();
        io.jselectors.testsupport.ChildProcesses.closeStreams(p);
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(text).isZero();
        return text.lines().toList();
    }
}
