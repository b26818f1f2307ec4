package io.jselectors.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.KqueueAvailability;
import io.jselectors.KqueueSelector;
import io.jselectors.ReadyEvent;
import io.jselectors.Selector;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sockets and pipes are Selectables: a connect, an accept and a read driven by the default selector,
 * and by kqueue where there is one (on Linux through libkqueue, with {@code -Djselectors.kqueue.library}).
 */
class SelectorIntegrationTest extends FdCheck {
    static List<String> backends() {
        KqueueAvailability.warmUp(); // before FdCheck counts descriptors: libkqueue keeps two of its own
        return List.of("default", "kqueue");
    }

    private static Selector open(String backend) throws java.io.IOException {
        if (backend.equals("kqueue")) {
            KqueueAvailability.assumeAvailable();
            return KqueueSelector.open();
        }
        return Selector.open();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void connectAcceptAndReadDrivenBySelect(String backend) throws Exception {
        try (Selector sel = open(backend);
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

    @ParameterizedTest
    @MethodSource("backends")
    void pipeEndsAreSelectable(String backend) throws Exception {
        try (Selector sel = open(backend); Pipe p = Pipe.open()) {
            sel.register(p.source(), Selector.EVENT_READ);
            assertThat(sel.select(Duration.ZERO)).isEmpty();
            p.sink().write(ByteBuffer.wrap(new byte[] {1}));
            assertThat(sel.select(Duration.ofSeconds(5))).hasSize(1);
        }
    }
}
