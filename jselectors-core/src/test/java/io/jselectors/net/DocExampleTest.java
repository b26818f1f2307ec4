package io.jselectors.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.ReadyEvent;
import io.jselectors.Selector;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example of docs/net.md, with a deadline and a check of the echo added: fails if the guide stops compiling or working. */
class DocExampleTest extends FdCheck {
    @Test
    void echoExampleFromTheGuide() throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        try (Selector sel = Selector.open();
             ListeningSocket server = ListeningSocket.bind(new InetSocketAddress("127.0.0.1", 0));
             StreamSocket client = StreamSocket.connect(server.localAddress())) {
            sel.register(server, Selector.EVENT_READ, "accept");
            sel.register(client, Selector.EVENT_WRITE, "client");
            ByteBuffer buf = ByteBuffer.allocateDirect(16 * 1024);
            List<StreamSocket> accepted = new ArrayList<>();
            boolean done = false;
            while (!done && System.nanoTime() < deadline) {
                for (ReadyEvent ev : sel.select(Duration.ofSeconds(5))) {
                    Object what = ev.key().data();
                    if (what.equals("accept")) {
                        StreamSocket s;
                        while ((s = server.accept()) != null) {
                            accepted.add(s);
                            sel.register(s, Selector.EVENT_READ, s);
                        }
                    } else if (what.equals("client")) {
                        if (client.finishConnect()) {               // throws ECONNREFUSED & co.
                            client.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)));
                            sel.modify(client, Selector.EVENT_READ, "reply");
                        }
                    } else if (what.equals("reply")) {
                        buf.clear();
                        if (client.read(buf) > 0) {
                            done = true;                              // got "ping" back
                        buf.flip();
                        assertThat(StandardCharsets.US_ASCII.decode(buf).toString()).isEqualTo("ping");
                        }
                    } else {
                        StreamSocket s = (StreamSocket) what;
                        buf.clear();
                        int n = s.read(buf);
                        if (n < 0) {                                  // peer closed
                            sel.unregister(s);
                            s.close();
                        } else if (n > 0) {
                            buf.flip();
                            s.write(buf);                             // a real server keeps what is left for EVENT_WRITE
                        }
                    }
                }
            }
            for (StreamSocket s : accepted) {
                s.close();
            }
        }
        assertThat(System.nanoTime()).as("example finished in time").isLessThan(deadline);
    }
}
