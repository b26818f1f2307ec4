import io.jselectors.Selector;
import io.jselectors.fd.Inotify;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** inotify: a file created, written and deleted in a watched directory, as decoded events. */
public class WatchDir {
    public static void main(String[] args) throws Exception {
        if (!Inotify.isAvailable()) {
            System.out.println("no inotify here (Linux only; on kqueue systems EVFILT_VNODE does this)");
            return;
        }
        Path dir = Files.createTempDirectory("watchdir");
        try (Selector sel = Selector.open(); Inotify inotify = Inotify.open()) {
            inotify.watch(dir, Inotify.CREATE | Inotify.CLOSE_WRITE | Inotify.DELETE);
            sel.register(inotify, Selector.EVENT_READ, "inotify");
            Path file = dir.resolve("hello.txt");
            Files.writeString(file, "hello");                // CREATE, then CLOSE_WRITE
            Files.delete(file);                              // DELETE
            boolean deleted = false;
            while (!deleted && !sel.select(Duration.ofSeconds(5)).isEmpty()) {
                for (Inotify.Event ev : inotify.read()) {
                    System.out.println(ev.what() + " " + dir.relativize(ev.path()));
                    deleted |= ev.is(Inotify.DELETE);
                }
            }
        } finally {
            Files.delete(dir);
        }
    }
}
