import io.jselectors.net.PseudoTerminal;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;

/**
 * Pseudo-terminals read with plain java.io from virtual threads: each thread reads its terminal's
 * output line by line, as a terminal emulator or an expect-style program would.
 */
public class PtyReader {
    public static void main(String[] args) throws Exception {
        if (!PseudoTerminal.isAvailable()) {
            System.out.println("no pseudo-terminals on this platform");
            return;
        }
        List<PseudoTerminal> ptys = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ptys.add(PseudoTerminal.open());
        }
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> lines = new ArrayList<>();
            for (PseudoTerminal pty : ptys) {
                lines.add(threads.submit(() -> {
                    var in = new BufferedReader(new InputStreamReader(pty.controller().inputStream(), StandardCharsets.UTF_8));
                    return in.readLine();   // the virtual thread parks until the line is there
                }));
            }
            for (int i = 0; i < ptys.size(); i++) {   // what a program on the terminal side would print
                OutputStream screen = ptys.get(i).terminal().outputStream();
                screen.write(("hello from terminal " + i + "\n").getBytes(StandardCharsets.UTF_8));
            }
            for (int i = 0; i < lines.size(); i++) {
                // The line discipline turns "\n" into "\r\n"; readLine ends at the "\r".
                System.out.println("pty " + i + " read: " + lines.get(i).get());
            }
        } finally {
            for (PseudoTerminal pty : ptys) {
                pty.close();
            }
        }
    }
}
