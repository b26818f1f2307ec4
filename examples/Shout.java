import io.jselectors.loop.EventLoop;
import io.jselectors.loop.Subprocess;
import io.jselectors.loop.SubprocessProtocol;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A child process on the event loop: text to its stdin, its stdout and stderr back, its exit status as a future. */
public class Shout {
    public static void main(String[] args) throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            CompletableFuture<Void> outputDone = new CompletableFuture<>();
            StringBuilder errors = new StringBuilder();
            Subprocess child = loop.subprocessExec(List.of("sh", "-c", "tr a-z A-Z; echo done >&2; exit 3"),
                    new SubprocessProtocol() {
                        @Override public void pipeDataReceived(int fd, MemorySegment data) {
                            String text = new String(data.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
                            if (fd == 1) {
                                System.out.print("stdout: " + text);
                            } else {
                                errors.append(text);            // kept apart: the two pipes are not ordered
                            }
                        }
                        private int closed;

                        @Override public void pipeConnectionLost(int fd, Throwable cause) {
                            if (fd != 0 && ++closed == 2) {               // stdout and stderr both ended
                                outputDone.complete(null);
                            }
                        }
                    });
            child.stdin().write("hello, child\n".getBytes(StandardCharsets.UTF_8));
            child.stdin().close();                              // the child reads end of file once this is sent
            child.exited().thenCombine(outputDone, (status, done) -> status)
                    .thenAccept(status -> {
                        System.out.print("stderr: " + errors);
                        System.out.println("exit status " + status);
                        loop.stop();
                    });
            loop.run();
        }
    }
}
