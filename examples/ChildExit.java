import io.jselectors.Selector;
import io.jselectors.fd.PidFd;
import java.time.Duration;

/** A child process's exit as readiness: a pidfd in the same select as anything else. */
public class ChildExit {
    public static void main(String[] args) throws Exception {
        if (!PidFd.isAvailable()) {
            System.out.println("no pidfd here (Linux 5.3+ with glibc 2.36+; on kqueue systems EVFILT_PROC does this)");
            return;
        }
        Process child = new ProcessBuilder("sh", "-c", "sleep 0.5; exit 7").start();
        try (Selector sel = Selector.open(); PidFd exit = PidFd.of(child)) {
            sel.register(exit, Selector.EVENT_READ, "child");
            System.out.println("ready: " + sel.select(Duration.ofSeconds(10)).size());
            System.out.println("exited: " + exit.hasExited() + ", status " + exit.exitValue().getAsInt());
        }
    }
}
