package io.jselectors.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.testsupport.ForeignSegment;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a peer sees when a connection ends with bytes unsent, what a transport does with memory the
 * caller cannot use, abandoned connects, and the write buffer's size for large writes. TCP over IPv4 on
 * the default backend; a plain JDK socket is the peer.
 */
class DataIntegrityTest {
    private int fdsBefore;

    /** The JDK's sockets open a descriptor of their own on first use (for closing): open it before counting. */
    @BeforeAll
    static void warmUpJdkSockets() throws IOException {
        try (ServerSocket l = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                Socket c = new Socket(l.getInetAddress(), l.getLocalPort());
                Socket a = l.accept()) {
            c.getOutputStream().write(1);
            a.getInputStream().read();
        }
    }

    @BeforeEach
    void countFds() {
        fdsBefore = FdCount.now();
    }

    @AfterEach
    void noFdLeaks() {
        if (fdsBefore >= 0) {
            assertThat(FdCount.now()).as("open descriptors after the test").isEqualTo(fdsBefore);
        }
    }

    /**
     * 8 MiB queued to a peer that does not read, then the bytes are dropped: by abort(), by a protocol
     * method that throws, by closing the loop. The peer must read a reset, never a clean end of stream
     * after a prefix it could take for the whole.
     */
    @ParameterizedTest
    @ValueSource(strings = {"abort", "protocol throws", "loop close"})
    void droppedBytesResetTheConnection(String how) throws Exception {
        try (ServerSocket listener = new ServerSocket()) {
            listener.setReceiveBufferSize(64 * 1024);
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            EventLoop loop = EventLoop.open();
            List<String> errors = new ArrayList<>();
            loop.setExceptionHandler((context, error) -> errors.add(context + ": " + error));
            Recorder client = new Recorder() {
                @Override
                public void dataReceived(MemorySegment data) {
                    throw new IllegalStateException("protocol bug, on purpose");
                }
            };
            Socket peer;
            try {
                Transport t = Run.until(loop, loop.connect(listener.getLocalSocketAddress(), client, Duration.ofSeconds(5)));
                peer = listener.accept();
                t.setWriteBufferLimits(Long.MAX_VALUE, 0);
                t.write(new byte[8 << 20]);
                assertThat(t.writeBufferSize()).as("bytes waiting").isPositive();
                switch (how) {
                    case "abort" -> t.abort();
                    case "protocol throws" -> peer.getOutputStream().write(1); // dataReceived throws
                    default -> { }
                }
                if (!how.equals("loop close")) {
                    Run.until(loop, client.lost, Duration.ofSeconds(5));
                }
            } finally {
                loop.close();
            }
            try (Socket p = peer) {
                p.setSoTimeout(10_000);
                InputStream in = p.getInputStream();
                byte[] buf = new byte[64 * 1024];
                long got = 0;
                Throwable end = null;
                try {
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        got += n;
                    }
                } catch (SocketException e) {
                    end = e;
                }
                assertThat(got).as("bytes read before the end").isLessThan(8 << 20);
                assertThat(end).as("how the stream ended after %d of %d bytes (%s)", got, 8 << 20, how)
                        .isNotNull()
                        .hasMessageContaining("reset");
            }
            if (how.equals("protocol throws")) {
                assertThat(errors).hasSize(1);
            }
        }
    }

    /** Memory the caller cannot use: the JDK's exception, before anything is sent; the connection goes on. */
    @Test
    void writingUnusableMemoryThrowsAndLeavesTheConnectionIntact() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
                EventLoop loop = EventLoop.open()) {
            Recorder client = new Recorder();
            Transport t = Run.until(loop, loop.connect(listener.getLocalSocketAddress(), client, Duration.ofSeconds(5)));
            try (Socket peer = listener.accept()) {
                Arena gone = Arena.ofConfined();
                MemorySegment dead = gone.allocate(16);
                gone.close();
                assertThatThrownBy(() -> t.write(dead)).isExactlyInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("arena is closed");
                assertThatThrownBy(() -> t.writev(MemorySegment.ofArray(new byte[] {1}), dead))
                        .isExactlyInstanceOf(IllegalStateException.class);

                try (ForeignSegment f = new ForeignSegment(16)) {
                    MemorySegment foreign = f.segment();
                    assertThatThrownBy(() -> t.write(foreign)).isExactlyInstanceOf(WrongThreadException.class);
                    assertThatThrownBy(() -> t.writev(foreign, foreign)).isExactlyInstanceOf(WrongThreadException.class);
                }

                assertThat(t.isClosing()).as("the connection is intact").isFalse();
                t.write(new byte[] {'o', 'k'});
                peer.setSoTimeout(5_000);
                assertThat(peer.getInputStream().readNBytes(2)).as("the first bytes the peer gets")
                        .isEqualTo(new byte[] {'o', 'k'});
                t.close();
                Run.until(loop, client.lost, Duration.ofSeconds(5));
            }
        }
    }

    /** Cancelling a connect's future closes its socket at once, not when the kernel or the timeout gives up. */
    @Test
    void cancelledConnectClosesItsSocketAtOnce() throws Exception {
        try (EventLoop loop = EventLoop.open();
                io.jselectors.net.ListeningSocket full = io.jselectors.net.ListeningSocket.bind(
                        new InetSocketAddress("127.0.0.1", 0), io.jselectors.net.ListenOptions.DEFAULTS.withBacklog(1))) {
            // Nobody accepts: once the backlog is full, SYNs are dropped and a connect hangs.
            List<CompletableFuture<Transport>> fs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                fs.add(loop.connect(full.localAddress(), new Recorder(), (Duration) null));
            }
            Run.forAbout(loop, Duration.ofMillis(100));
            int hanging = 0;
            for (CompletableFuture<Transport> f : fs) {
                if (f.isDone()) {
                    f.join().abort();
                } else {
                    hanging++;
                }
            }
            assertThat(hanging).as("connects still in progress").isPositive();
            int fdsWithHanging = FdCount.now();
            for (CompletableFuture<Transport> f : fs) {
                f.cancel(false); // from this thread while the loop is idle
            }
            Run.forAbout(loop, Duration.ofMillis(20));
            assertThat(loop.openResources()).as("connects, transports, servers left").isZero();
            if (fdsWithHanging >= 0) {
                assertThat(FdCount.now()).as("descriptors after cancelling").isLessThanOrEqualTo(fdsWithHanging - hanging);
            }
        }
    }

    /** A large write that must wait is buffered in a buffer of its size, not the next power of two. */
    @Test
    void largeWritesAreBufferedWithoutRoundingUpToAPowerOfTwo() throws Exception {
        try (ServerSocket listener = new ServerSocket(); EventLoop loop = EventLoop.open()) {
            listener.setReceiveBufferSize(64 * 1024);
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            Recorder client = new Recorder();
            StreamTransport t = (StreamTransport) Run.until(
                    loop, loop.connect(listener.getLocalSocketAddress(), client, Duration.ofSeconds(5)));
            try (Socket peer = listener.accept()) {
                t.setWriteBufferLimits(Long.MAX_VALUE, 0);
                t.write(new byte[(12 << 20) + 12_345]); // the peer does not read: most of it waits
                long waiting = t.writeBufferSize();
                assertThat(waiting).isGreaterThan(2 << 20);
                assertThat(t.writeBufferCapacity()).as("buffer for %d waiting bytes", waiting)
                        .isLessThanOrEqualTo(waiting + BufferPool.PAGE);
                t.write(new byte[1 << 20]);
                waiting = t.writeBufferSize();
                assertThat(t.writeBufferCapacity()).as("grown buffer for %d waiting bytes", waiting)
                        .isLessThanOrEqualTo(waiting * 3 / 2 + BufferPool.PAGE);
                t.abort();
                Run.until(loop, client.lost, Duration.ofSeconds(5));
            }
        }
    }
}
