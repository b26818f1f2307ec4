import io.jselectors.Selector;
import io.jselectors.fd.Pty;
import io.jselectors.net.NativeStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A pseudo-terminal pair as a serial line: "AT" one way, "OK" back, bytes unchanged (raw mode). */
public class Terminal {
    public static void main(String[] args) throws Exception {
        if (!Pty.isAvailable()) {
            System.out.println("no pseudo-terminals here yet (Linux only for now)");
            return;
        }
        try (Selector sel = Selector.open(); Pty pty = Pty.open()) {
            System.out.println("slave is a terminal: " + pty.name().startsWith("/dev/"));
            System.out.println("device got: " + exchange(sel, pty.master(), pty.slave(), "AT\r"));
            System.out.println("modem got: " + exchange(sel, pty.slave(), pty.master(), "OK\r\n"));
        }
    }

    /** Writes {@code text} at one end and reads it at the other once the selector says it is there. */
    static String exchange(Selector sel, NativeStream from, NativeStream to, String text) throws Exception {
        from.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
        sel.register(to, Selector.EVENT_READ);
        ByteBuffer buf = ByteBuffer.allocate(64);
        while (buf.position() < text.length() && !sel.select(Duration.ofSeconds(5)).isEmpty()) {
            to.read(buf);
        }
        sel.unregister(to);
        return new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).replace("\r", "<CR>").replace("\n", "<LF>");
    }
}
