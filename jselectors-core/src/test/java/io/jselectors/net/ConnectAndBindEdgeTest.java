package io.jselectors.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.ErrnoException;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** A failed connect keeps failing; an empty Unix path is refused. */
class ConnectAndBindEdgeTest extends FdCheck {

    /**
     * The kernel reports a failed connect once (reading SO_ERROR clears it); a retrying caller must not
     * then hear "still in progress" for ever while the socket polls writable every round.
     */
    @Test
    void finishConnectKeepsReportingAFailedConnect() throws Exception {
        int port;
        try (ListeningSocket l = ListeningSocket.bind(new InetSocketAddress("127.0.0.1", 0))) {
            port = ((InetSocketAddress) l.localAddress()).getPort();
        }
        // Nothing listens on the port now. Loopback usually reports the refusal after connect() returned.
        StreamSocket s = null;
        for (int i = 0; i < 20 && s == null; i++) {
            try {
                s = StreamSocket.connect(new InetSocketAddress("127.0.0.1", port));
            } catch (ErrnoException e) {
                assertThat(e.errnoName()).isEqualTo("ECONNREFUSED");
            }
        }
        if (s == null) {
            System.out.println("finishConnect test skipped: every connect was refused at once, none in progress");
        }
        Assumptions.assumeTrue(s != null, "every connect was refused at once");
        try (StreamSocket c = s) {
            ErrnoException first = null;
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (first == null) {
                try {
                    assertThat(c.finishConnect()).as("a refused connect never completes").isFalse();
                } catch (ErrnoException e) {
                    first = e;
                }
                assertThat(System.nanoTime()).as("waiting for the refusal").isLessThan(deadline);
                Thread.sleep(1);
            }
            assertThat(first.errnoName()).isEqualTo("ECONNREFUSED");
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(c::finishConnect).as("call %d after the failure", i + 2)
                        .isInstanceOf(ErrnoException.class)
                        .hasMessage(first.getMessage());
            }
            assertThat(c.isConnected()).isFalse();
        }
    }

    /** An empty path would autobind an abstract address on Linux, and close() would rmdir("."). */
    @Test
    void bindToAnEmptyUnixPathIsRefused() throws Exception {
        Path cwd = Path.of("").toAbsolutePath();
        assertThatThrownBy(() -> ListeningSocket.bind(UnixDomainSocketAddress.of("")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty Unix socket path");
        assertThat(Files.isDirectory(cwd)).isTrue();
    }
}
