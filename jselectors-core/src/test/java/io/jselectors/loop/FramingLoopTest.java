package io.jselectors.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.ErrnoException;
import io.jselectors.loop.framing.FrameHandler;
import io.jselectors.loop.framing.FrameTooLongException;
import io.jselectors.loop.framing.Framing;
import io.jselectors.loop.framing.LengthFieldFraming;
import io.jselectors.loop.framing.LineFraming;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The framings on real connections, every backend and family: frames far larger than one read cross
 * intact both ways, and a peer that sends a line over the limit is cut off (a reset for TCP) with the
 * limit named to the handler, while the loop reports nothing.
 */
class FramingLoopTest {
    @RegisterExtension
    final LoopChecks checks = new LoopChecks();

    static List<org.junit.jupiter.params.provider.Arguments> cases() {
        return Families.all();
    }

    /** Sends each frame back through the same framing. */
    static final class FrameEcho implements FrameHandler<MemorySegment> {
        private final LengthFieldFraming framing;
        private Transport transport;

        FrameEcho(LengthFieldFraming framing) {
            this.framing = framing;
        }

        @Override public void connectionMade(Transport t) { transport = t; }
        @Override public void frameReceived(MemorySegment frame) { framing.write(transport, frame); }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void largeFramesCrossWholeBothWays(String backend, String family) throws Exception {
        LengthFieldFraming framing = Framing.lengthPrefixed(1 << 20);
        Random r = new Random(11);
        List<byte[]> sent = new ArrayList<>();
        for (int size : new int[] {0, 1, 100_000, 1 << 20, 3, 70_000}) {
            byte[] frame = new byte[size];
            r.nextBytes(frame);
            sent.add(frame);
        }
        try (EventLoop loop = checks.open(backend)) {
            Server server = loop.createServer(Families.listenAddress(family), () -> framing.protocol(new FrameEcho(framing)));
            List<byte[]> back = new ArrayList<>();
            CompletableFuture<Throwable> lost = new CompletableFuture<>();
            FrameHandler<MemorySegment> client = new FrameHandler<>() {
                @Override public void connectionMade(Transport t) {
                    sent.forEach(f -> framing.write(t, f));
                }
                @Override public void frameReceived(MemorySegment frame) {
                    back.add(frame.toArray(ValueLayout.JAVA_BYTE));
                    if (back.size() == sent.size()) {
                        lost.complete(null); // all came back
                    }
                }
                @Override public void connectionLost(Throwable cause) {
                    lost.complete(cause);
                }
            };
            Transport t = Run.until(loop, loop.connect(server.localAddress(), framing.protocol(client), Duration.ofSeconds(5)));
            assertThat(Run.until(loop, lost, Duration.ofSeconds(30))).isNull();
            assertThat(back).hasSize(sent.size());
            for (int i = 0; i < sent.size(); i++) {
                assertThat(back.get(i)).as("frame " + i).isEqualTo(sent.get(i));
            }
            t.close();
            server.close();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void aLineOverTheLimitCutsThePeerOffAndNamesTheLimit(String backend, String family) throws Exception {
        LineFraming lines = Framing.lines(64);
        try (EventLoop loop = checks.open(backend)) {
            List<String> got = new ArrayList<>();
            CompletableFuture<Throwable> serverLost = new CompletableFuture<>();
            Transport[] served = new Transport[1];
            Server server = loop.createServer(Families.listenAddress(family), () -> lines.protocol(new FrameHandler<String>() {
                @Override public void connectionMade(Transport t) { served[0] = t; }
                @Override public void frameReceived(String line) { got.add(line); }
                @Override public void connectionLost(Throwable cause) { serverLost.complete(cause); }
            }));
            Recorder peer = new Recorder();
            Transport t = Run.until(loop, loop.connect(server.localAddress(), peer, Duration.ofSeconds(5)));
            t.write("fits\r\n".getBytes());
            t.write(new byte[100_000]); // no line feed anywhere
            Throwable cause = Run.until(loop, serverLost);
            assertThat(got).containsExactly("fits");
            assertThat(cause).isInstanceOf(FrameTooLongException.class).hasMessageContaining("over the limit of 64 bytes");
            assertThat(((FrameTooLongException) cause).limit()).isEqualTo(64);
            assertThat(((FrameTooLongException) cause).size()).isGreaterThan(64);
            assertThat(served[0].closed()).as("the transport's end carries the error too")
                    .isCompletedExceptionally();
            assertThat(served[0].closed().exceptionNow()).isSameAs(cause);
            Throwable peerCause = Run.until(loop, peer.lost);
            if (family.startsWith("tcp") && !Backends.consumesSocketErrors(backend)) {
                assertThat(peerCause).as("the peer sees a reset").isInstanceOf(ErrnoException.class);
                assertThat(((ErrnoException) peerCause).errnoName()).isIn("ECONNRESET", "EPIPE");
            } else if (!(peerCause instanceof Recorder.NoCause)) {
                // A Unix socket closed with unread bytes: Linux reports ECONNRESET to the peer, BSD end of
                // stream; libkqueue may have cleared a TCP reset (see Backends.consumesSocketErrors).
                assertThat(peerCause).isInstanceOf(ErrnoException.class);
                assertThat(((ErrnoException) peerCause).errnoName()).isIn("ECONNRESET", "EPIPE");
            }
            server.close();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void abortWithACauseEndsTheConnectionWithIt(String backend, String family) throws Exception {
        try (EventLoop loop = checks.open(backend)) {
            Recorder[] srv = new Recorder[1];
            Server server = loop.createServer(Families.listenAddress(family), () -> srv[0] = new Recorder() {
                @Override
                public void dataReceived(MemorySegment data) {
                    transport.write(new byte[4 << 20]); // unsent bytes, dropped by the abort
                    transport.abort(new java.net.ProtocolException("the peer broke the rules"));
                    transport.abort(new IllegalStateException("second")); // does nothing
                }
            });
            Recorder peer = new Recorder();
            Transport t = Run.until(loop, loop.connect(server.localAddress(), peer, Duration.ofSeconds(5)));
            t.write(new byte[] {1});
            Run.until(loop, () -> srv[0] != null && srv[0].lost.isDone(), Duration.ofSeconds(5));
            Throwable cause = srv[0].lost.join();
            assertThat(cause).isInstanceOf(java.net.ProtocolException.class).hasMessage("the peer broke the rules");
            assertThat(srv[0].transport.closed().exceptionNow()).isSameAs(cause);
            assertThat(srv[0].events).containsExactly("made", "lost");
            Throwable peerCause = Run.until(loop, peer.lost);
            if (family.startsWith("tcp") && !Backends.consumesSocketErrors(backend)) {
                assertThat(peerCause).as("unsent bytes were dropped: a reset").isInstanceOf(ErrnoException.class);
            }
            server.close();
        }
    }
}
