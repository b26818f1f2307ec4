import io.jselectors.Selector;
import io.jselectors.fd.SignalFd;
import java.time.Duration;

/** A signal as data: SIGUSR1, raised at this thread, read from a signalfd. See docs/fds.md for the limits. */
public class Signals {
    public static void main(String[] args) throws Exception {
        if (!SignalFd.isAvailable()) {
            System.out.println("no signalfd here (Linux only; on kqueue systems EVFILT_SIGNAL does this)");
            return;
        }
        try (Selector sel = Selector.open(); SignalFd signals = SignalFd.open("USR1")) {
            sel.register(signals, Selector.EVENT_READ, "signals");
            SignalFd.raise("USR1");                          // blocked here, so it waits in the signalfd
            System.out.println("ready: " + sel.select(Duration.ofSeconds(5)).size());
            SignalFd.SigInfo info = signals.read();
            System.out.println("got SIG" + info.name() + " from this process: " + (info.pid() == ProcessHandle.current().pid()));
            System.out.println("then: " + signals.read());
        }
    }
}
