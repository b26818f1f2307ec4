import io.jselectors.ReadyEvent;
import io.jselectors.Selector;
import io.jselectors.net.StreamSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Ping-pong over a socketpair, written the way Python's selectors examples are. */
public class Ping {
    public static void main(String[] args) throws Exception {
        StreamSocket[] pair = StreamSocket.pair();
        try (Selector sel = Selector.open(); StreamSocket left = pair[0]; StreamSocket right = pair[1]) {
            System.out.println("backend: " + sel.backend());
            sel.register(left, Selector.EVENT_WRITE, "left");   // left starts by sending
            sel.register(right, Selector.EVENT_READ, "right");  // right answers what it reads
            ByteBuffer buf = ByteBuffer.allocate(64);
            int round = 1;
            while (round <= 3) {
                for (ReadyEvent ev : sel.select(Duration.ofSeconds(5))) {
                    StreamSocket sock = (StreamSocket) ev.key().fileobj();
                    if ((ev.events() & Selector.EVENT_WRITE) != 0) {
                        sock.write(ByteBuffer.wrap(("ping " + round).getBytes(StandardCharsets.UTF_8)));
                        sel.modify(sock, Selector.EVENT_READ, ev.key().data());
                        continue;
                    }
                    buf.clear();
                    sock.read(buf);
                    String msg = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
                    System.out.println(ev.key().data() + " got: " + msg);
                    if (sock == right) {
                        sock.write(ByteBuffer.wrap(msg.replace("ping", "pong").getBytes(StandardCharsets.UTF_8)));
                    } else {
                        round++;
                        sel.modify(sock, Selector.EVENT_WRITE, ev.key().data());
                    }
                }
            }
        }
    }
}
