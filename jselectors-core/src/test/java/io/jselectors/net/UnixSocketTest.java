package io.jselectors.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.ErrnoException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Unix domain stream sockets and socketpair. */
class UnixSocketTest extends StreamContract {
    private Path dir;

    @BeforeEach
    void makeDir() throws Exception {
        dir = Files.createTempDirectory("jsel");
    }

    @AfterEach
    void removeDir() throws Exception {
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).as("socket files left behind").isEmpty();
        }
        Files.delete(dir);
    }

    @Override
    SocketAddress bindAddress() {
        return UnixDomainSocketAddress.of(dir.resolve("s.sock"));
    }

    @Test
    void listenerCreatesAndRemovesItsFile() throws Exception {
        Path file = dir.resolve("s.sock");
        try (ListeningSocket l = ListeningSocket.bind(bindAddress())) {
            assertThat(l.isUnix()).isTrue();
            assertThat(file).exists();
            assertThat(l.localAddress()).isEqualTo(UnixDomainSocketAddress.of(file));
            try (StreamSocket c = StreamSocket.connect(l.localAddress())) {
                assertThat(c.isConnected()).as("a Unix connect completes at once").isTrue();
                assertThat(c.localAddress()).as("an unbound client is unnamed").isEqualTo(UnixDomainSocketAddress.of(""));
                StreamSocket s = l.accept();
                assertThat(s).isNotNull();
                s.close();
            }
        }
        assertThat(file).doesNotExist();
    }

    @Test
    @SuppressWarnings("try") // the listener only has to exist while the second bind fails
    void existingFileSaysAddressInUse() throws Exception {
        try (ListeningSocket l = ListeningSocket.bind(bindAddress())) {
            assertThatThrownBy(() -> ListeningSocket.bind(bindAddress()))
                    .isInstanceOf(ErrnoException.class)
                    .hasMessageStartingWith("bind(" + dir.resolve("s.sock") + "): EADDRINUSE (Address already in use; ")
                    .hasMessageContaining("stale socket file");
        }
    }

    @Test
    void connectToNothingSaysSo() {
        assertThatThrownBy(() -> StreamSocket.connect(UnixDomainSocketAddress.of(dir.resolve("none.sock"))))
                .isInstanceOf(ErrnoException.class)
                .hasMessageContaining("connect(" + dir.resolve("none.sock") + "): ENOENT")
                .hasMessageContaining("is the server running?");
    }

    @Test
    void tooLongPathSaysTheLimit() {
        Path longPath = dir.resolve("x".repeat(120));
        assertThatThrownBy(() -> ListeningSocket.bind(UnixDomainSocketAddress.of(longPath)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the limit is 107");
    }

    @Test
    void socketPairTalksBothWays() throws Exception {
        StreamSocket[] p = StreamSocket.pair();
        try {
            assertThat(p[0].isConnected()).isTrue();
            assertThat(p[0].finishConnect()).isTrue();
            assertThat(p[0].write(ByteBuffer.wrap(new byte[] {1, 2}))).isEqualTo(2);
            assertThat(Conn.readFully(p[1], 2)).containsExactly(1, 2);
            assertThat(p[1].write(ByteBuffer.wrap(new byte[] {3}))).isEqualTo(1);
            assertThat(Conn.readFully(p[0], 1)).containsExactly(3);
            p[1].close();
            Conn.awaitEof(p[0]);
            assertThatThrownBy(() -> p[0].write(ByteBuffer.wrap(new byte[] {4})))
                    .isInstanceOf(ErrnoException.class)
                    .hasMessage("send(fd=" + p[0].fileno() + "): EPIPE (Broken pipe)");
        } finally {
            p[0].close();
            p[1].close();
        }
    }
}
