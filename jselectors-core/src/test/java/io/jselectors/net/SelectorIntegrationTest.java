package io.jselectors.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.ReadyEvent;
import io.jselectors.Selector;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sockets and pipes are Selectables: a connect, an accept and a read driven by the default selector. */
class SelectorIntegrationTest extends FdCheck {
    @Test
    void connectAcceptAndReadDrivenBySelect() throws Exception {
        try (Selector sel = Selector.open();
                ListeningSocket l = ListeningSocket.bind(new InetSocketAddress("127.0.0.1", 0));
                StreamSocket c = StreamSocket.connect(l.localAddress())) {
            sel.register(l, Selector.EVENT_READ, "listener");
            sel.register(c, Selector.EVENT_WRITE, "client");
            StreamSocket server = null;
            long deadline = System.nanoTime() + 5_000_000_000L;
            try {
                while ((server == null || !c.isConnected()) && System.nanoTime() < deadline) {
                    for (ReadyEvent e : sel.select(Duration.ofSeconds(1))) {
                        if (e.key().data().equals("listener")) {
                            server = l.accept();
                            assertThat(server).isNotNull();
                            sel.register(server, Selector.EVENT_READ, "server");
                        } else if (e.key().data().equals("client")) {
                            assertThat(c.finishConnect()).as("writable means the connect finished").isTrue();
                            sel.modify(c, Selector.EVENT_READ, "client");
                        }
                    }
                }
                assertThat(server).isNotNull();
                assertThat(c.isConnected()).isTrue();
                c.write(ByteBuffer.wrap(new byte[] {42}));
                List<ReadyEvent> ready = sel.select(Duration.ofSeconds(5));
                assertThat(ready).extracting(e -> e.key().data()).containsExactly("server");
                ByteBuffer b = ByteBuffer.allocate(4);
                assertThat(server.read(b)).isEqualTo(1);
                assertThat(b.get(0)).isEqualTo((byte) 42);
                sel.unregister(server);
            } finally {
                if (server != null) {
                    server.close();
                }
            }
        }
    }

    @Test
    void pipeEndsAreSelectable() throws Exception {
        try (Selector sel = Selector.open(); Pipe p = Pipe.open()) {
            sel.register(p.source(), Selector.EVENT_READ);
            assertThat(sel.select(Duration.ZERO)).isEmpty();
            p.sink().write(ByteBuffer.wrap(new byte[] {1}));
            assertThat(sel.select(Duration.ofSeconds(5))).hasSize(1);
        }
    }
}
