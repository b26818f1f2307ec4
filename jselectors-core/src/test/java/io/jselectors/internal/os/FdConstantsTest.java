package io.jselectors.internal.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The constants and struct sizes of the fd bindings (TimerFdSys, InotifySys, SignalSys, PidFdSys, PtySys) are
 * this machine's C headers' values: a C program compiled with gcc prints each, and the test compares.
 */
class FdConstantsTest {
    @Test
    void fdBindingConstantsMatchTheCHeaders(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Platform.isLinux(), "these are Linux constants");
        Map<String, Long> java = new LinkedHashMap<>();
        java.put("CLOCK_REALTIME", (long) TimerFdSys.CLOCK_REALTIME);
        java.put("CLOCK_MONOTONIC", (long) TimerFdSys.CLOCK_MONOTONIC);
        java.put("CLOCK_BOOTTIME", (long) TimerFdSys.CLOCK_BOOTTIME);
        java.put("TFD_NONBLOCK", (long) TimerFdSys.TFD_NONBLOCK);
        java.put("TFD_CLOEXEC", (long) TimerFdSys.TFD_CLOEXEC);
        java.put("TFD_TIMER_ABSTIME", (long) TimerFdSys.TFD_TIMER_ABSTIME);
        java.put("sizeof(struct itimerspec)", TimerFdSys.ITIMERSPEC.byteSize());
        java.put("offsetof(struct itimerspec, it_value)", TimerFdSys.IT_VALUE);
        java.put("offsetof(struct timespec, tv_nsec)", TimerFdSys.TV_NSEC);
        String[] in = {"NONBLOCK", "CLOEXEC", "ACCESS", "MODIFY", "ATTRIB", "CLOSE_WRITE", "CLOSE_NOWRITE", "OPEN",
            "MOVED_FROM", "MOVED_TO", "CREATE", "DELETE", "DELETE_SELF", "MOVE_SELF", "UNMOUNT", "Q_OVERFLOW",
            "IGNORED", "ISDIR", "ALL_EVENTS"};
        for (String n : in) {
            java.put("IN_" + n, (long) InotifySys.class.getField("IN_" + n).getInt(null));
        }
        java.put("sizeof(struct inotify_event)", (long) InotifySys.EVENT_HEADER_SIZE);
        java.put("ENOSPC", (long) InotifySys.ENOSPC);
        java.put("SFD_NONBLOCK", (long) SignalSys.SFD_NONBLOCK);
        java.put("SFD_CLOEXEC", (long) SignalSys.SFD_CLOEXEC);
        java.put("SIG_BLOCK", (long) SignalSys.SIG_BLOCK);
        java.put("SIG_UNBLOCK", (long) SignalSys.SIG_UNBLOCK);
        java.put("sizeof(sigset_t)", SignalSys.SIGSET_SIZE);
        java.put("sizeof(struct signalfd_siginfo)", SignalSys.SIGINFO_SIZE);
        java.put("offsetof(struct signalfd_siginfo, ssi_signo)", SignalSys.SSI_SIGNO);
        java.put("offsetof(struct signalfd_siginfo, ssi_errno)", SignalSys.SSI_ERRNO);
        java.put("offsetof(struct signalfd_siginfo, ssi_code)", SignalSys.SSI_CODE);
        java.put("offsetof(struct signalfd_siginfo, ssi_pid)", SignalSys.SSI_PID);
        java.put("offsetof(struct signalfd_siginfo, ssi_uid)", SignalSys.SSI_UID);
        java.put("offsetof(struct signalfd_siginfo, ssi_status)", SignalSys.SSI_STATUS);
        java.put("offsetof(struct signalfd_siginfo, ssi_int)", SignalSys.SSI_INT);
        SignalSys.SIGNALS.forEach((name, number) -> java.put("SIG" + name, (long) number));
        java.put("ESRCH", (long) PidFdSys.ESRCH);
        java.put("O_RDWR", (long) PtySys.O_RDWR);
        java.put("O_NOCTTY", (long) PtySys.O_NOCTTY);
        java.put("O_NONBLOCK", (long) PtySys.O_NONBLOCK);
        java.put("O_CLOEXEC", (long) PtySys.O_CLOEXEC);
        java.put("TCSANOW", (long) PtySys.TCSANOW);
        java.put("sizeof(struct termios)", PtySys.TERMIOS_SIZE);

        StringBuilder c = new StringBuilder("""
                #define _GNU_SOURCE
                #include <stdio.h>
                #include <stddef.h>
                #include <errno.h>
                #include <fcntl.h>
                #include <signal.h>
                #include <termios.h>
                #include <time.h>
                #include <sys/inotify.h>
                #include <sys/signalfd.h>
                #include <sys/timerfd.h>
                int main(void) {
                """);
        for (String expr : java.keySet()) {
            c.append("    printf(\"%s=%lld\\n\", \"").append(expr).append("\", (long long) (").append(expr).append("));\n");
        }
        c.append("    return 0;\n}\n");
        Path src = Files.writeString(dir.resolve("consts.c"), c);
        Path exe = dir.resolve("consts");
        Process gcc;
        try {
            gcc = new ProcessBuilder("gcc", "-o", exe.toString(), src.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            Assumptions.abort("no gcc on this machine to read the C headers: " + e.getMessage());
            return;
        }
        String gccOut = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(gcc.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(gcc.exitValue()).as(gccOut).isZero();
        Process run = new ProcessBuilder(exe.toString()).start();
        Map<String, Long> headers = new LinkedHashMap<>();
        for (String line : new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            int eq = line.lastIndexOf('=');
            headers.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1)));
        }
        assertThat(run.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(java).isEqualTo(headers);
    }
}
