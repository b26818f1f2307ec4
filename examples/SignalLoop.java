import io.jselectors.loop.EventLoop;
import java.time.Duration;

/** SIGINT on the event loop: Ctrl-C (here: kill -INT) runs a callback on the loop thread instead of ending the JVM. */
public class SignalLoop {
    public static void main(String[] args) throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            Thread loopThread = Thread.currentThread();
            loop.addSignalHandler("INT", () -> {
                System.out.println("SIGINT on the loop thread: " + (Thread.currentThread() == loopThread));
                loop.stop();
            });
            loop.execute(() -> kill("-INT"));                 // as if Ctrl-C was pressed
            loop.schedule(Duration.ofSeconds(10), loop::stop); // a guard, should no signal come
            loop.run();
            System.out.println("still here, removing it: " + loop.removeSignalHandler("INT"));
        }
        try (EventLoop loop = EventLoop.open()) {
            loop.addSignalHandler("SEGV", () -> {});
        } catch (IllegalArgumentException refused) {
            System.out.println("SEGV refused: " + refused.getMessage().contains("the JVM needs it"));
        }
    }

    static void kill(String signal) {
        try {
            new ProcessBuilder("kill", signal, Long.toString(ProcessHandle.current().pid())).inheritIO().start().waitFor();
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
