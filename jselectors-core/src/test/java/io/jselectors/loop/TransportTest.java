package io.jselectors.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.ErrnoException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Servers, clients and transports over loopback, on every backend and family (TCP over IPv4 and IPv6,
 * Unix): data both ways, half-close, resets, peers that never read, throwing protocols, and no
 * descriptor left open afterwards.
 */
class TransportTest {
    /** No callback throws and no descriptor stays open, in every test. */
    @RegisterExtension
    final LoopChecks checks = new LoopChecks();

    /** A loop on the backend whose exception handler records anything a callback throws. */
    private EventLoop open(String backend) throws IOException {
        return checks.open(backend);
    }

    static List<org.junit.jupiter.params.provider.Arguments> cases() {
        return Families.all();
    }


    /** Sends back whatever it receives. */
    static class Echo extends Recorder {
        @Override
        public void dataReceived(MemorySegment data) {
            transport.write(data);
        }
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void echoesAMegabyteAndClosesCleanly(String backend, String family) throws Exception {
        try (EventLoop loop = open(backend)) {
            List<Echo> served = new ArrayList<>();
            Server server = loop.createServer(Families.listenAddress(family), () -> {
                Echo e = new Echo();
                served.add(e);
                return e;
            });
            Recorder client = new Recorder();
            Transport t = Run.until(loop, loop.connect(server.localAddress(), client, Duration.ofSeconds(5)));
            assertThat(t).isSameAs(client.transport);
            assertThat(t.remoteAddress()).isNotNull();
            assertThat(t.localAddress()).isNotNull();
            byte[] payload = randomBytes(1 << 20, 1);
            // Mixed write flavours: native segment, heap array, ByteBuffer, gathering writes.
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment native1 = arena.allocate(256 * 1024);
                MemorySegment.copy(MemorySegment.ofArray(payload), 0, native1, 0, native1.byteSize());
                t.write(native1);
            }
            t.write(Arrays.copyOfRange(payload, 256 * 1024, 512 * 1024));
            ByteBuffer bb = ByteBuffer.wrap(payload, 512 * 1024, 256 * 1024);
            t.write(bb);
            assertThat(bb.hasRemaining()).isFalse();
            t.writev(MemorySegment.ofArray(Arrays.copyOfRange(payload, 768 * 1024, 896 * 1024)),
                    MemorySegment.ofArray(Arrays.copyOfRange(payload, 896 * 1024, 1 << 20)));
            Run.until(loop, () -> client.size() == payload.length, Duration.ofSeconds(20));
            assertThat(client.received.toByteArray()).isEqualTo(payload);
            assertThat(served).hasSize(1);
            assertThat(server.acceptedCount()).isEqualTo(1);

            t.close();
            t.close(); // idempotent
            assertThat(t.isClosing()).isTrue();
            assertThatThrownBy(() -> t.write(new byte[1])).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closing");
            assertThat(Run.until(loop, client.lost)).isInstanceOf(Recorder.NoCause.class);
            Echo s = served.get(0);
            assertThat(Run.until(loop, s.lost)).isInstanceOf(Recorder.NoCause.class);
            assertThat(s.events).containsExactly("made", "eof", "lost");
            assertThat(client.events).containsExactly("made", "lost");
            assertThat(loop.openResources()).isEqualTo(1); // the server
            server.close();
            server.close();
            assertThat(server.isServing()).isFalse();
            assertThat(loop.openResources()).isZero();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void peerThatClosesAtOnceGivesEofThenLost(String backend, String family) throws Exception {
        try (EventLoop loop = open(backend)) {
            Recorder[] srv = new Recorder[1];
            Server server = loop.createServer(Families.listenAddress(family), () -> srv[0] = new Recorder());
            Recorder client = new Recorder() {
                @Override
                public void connectionMade(Transport t) {
                    super.connectionMade(t);
                    t.close(); // before sending anything
                }
            };
            Run.until(loop, loop.connect(server.localAddress(), client, Duration.ofSeconds(5)));
            assertThat(Run.until(loop, client.lost)).isInstanceOf(Recorder.NoCause.class);
            Run.until(loop, () -> srv[0] != null && srv[0].lost.isDone(), Duration.ofSeconds(5));
            assertThat(srv[0].events).containsExactly("made", "eof", "lost");
            assertThat(srv[0].size()).isZero();
            server.close();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void manyConcurrentConnectionsEachGetTheirOwnBytesBack(String backend, String family) throws Exception {
        try (EventLoop loop = open(backend)) {
            Server server = loop.createServer(Families.listenAddress(family), Echo::new);
            int n = 100;
            List<Recorder> clients = new ArrayList<>();
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                byte[] payload = randomBytes(10_000 + i * 97, i);
                sent.add(payload);
                Recorder c = new Recorder() {
                    @Override
                    public void connectionMade(Transport t) {
                        super.connectionMade(t);
                        // In pieces, so that reads and writes of many connections interleave.
                        for (int off = 0; off < payload.length; off += 3000) {
                            t.write(Arrays.copyOfRange(payload, off, Math.min(payload.length, off + 3000)));
                        }
                    }
                };
                clients.add(c);
                loop.connect(server.localAddress(), c, Duration.ofSeconds(10));
            }
            Run.until(loop, () -> {
                for (int i = 0; i < n; i++) {
                    if (clients.get(i).size() < sent.get(i).length) {
                        return false;
                    }
                }
                return true;
            }, Duration.ofSeconds(20));
            for (int i = 0; i < n; i++) {
                assertThat(clients.get(i).received.toByteArray()).as("connection %d", i).isEqualTo(sent.get(i));
                clients.get(i).transport.close();
            }
            Run.until(loop, () -> clients.stream().allMatch(c -> c.lost.isDone()), Duration.ofSeconds(10));
            assertThat(server.acceptedCount()).isEqualTo(n);
            Run.until(loop, () -> loop.openResources() == 1, Duration.ofSeconds(10)); // server transports closed
            server.close();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void halfCloseLetsTheServerAnswerAfterEof(String backend, String family) throws Exception {
        try (EventLoop loop = open(backend)) {
            Recorder[] srv = new Recorder[1];
            Server server = loop.createServer(Families.listenAddress(family), () -> {
                srv[0] = new Recorder() {
                    @Override
                    public boolean eofReceived() {
                        super.eofReceived();
                        // Answer after the request is complete, then close.
                        transport.write(("got " + size()).getBytes());
                        transport.close();
                        return true;
                    }
                };
                return srv[0];
            });
            Recorder client = new Recorder();
            client.keepOpenOnEof = true;
            Transport t = Run.until(loop, loop.connect(server.localAddress(), client, Duration.ofSeconds(5)));
            t.write("hello".getBytes());
            t.shutdownOutput();
            t.shutdownOutput(); // idempotent
            assertThatThrownBy(() -> t.write(new byte[1])).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("shutdownOutput");
            Run.until(loop, client.lost);
            assertThat(new String(client.received.toByteArray())).isEqualTo("got 5");
            // The client got the server's EOF; its own output was already shut: the transport closed.
            assertThat(client.events).containsExactly("made", "eof", "lost");
            assertThat(Run.until(loop, srv[0].lost)).isInstanceOf(Recorder.NoCause.class);
            assertThat(srv[0].events).containsExactly("made", "eof", "lost");
            server.close();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void peerResetMidWriteGivesConnectionLostWithTheCause(String backend, String family) throws Exception {
        try (EventLoop loop = open(backend)) {
            Recorder[] srv = new Recorder[1];
            Server server = loop.createServer(Families.listenAddress(family), () -> {
                srv[0] = new Recorder() {
                    @Override
                    public void connectionMade(Transport t) {
                        super.connectionMade(t);
                        t.setWriteBufferLimits(Long.MAX_VALUE, 0); // keep writing regardless
                        t.write(new byte[4 << 20]); // more than the socket buffers hold
                    }
                };
                return srv[0];
            });
            Recorder client = new Recorder();
            Transport t = Run.until(loop, loop.connect(server.localAddress(), client, Duration.ofSeconds(5)));
            Run.until(loop, () -> srv[0] != null && srv[0].transport != null && client.size() > 0, Duration.ofSeconds(5));
            assertThat(srv[0].transport.writeBufferSize()).isPositive();
            t.abort(); // RST (TCP) / close with unread data (Unix)
            t.abort(); // idempotent
            assertThat(Run.until(loop, client.lost)).isInstanceOf(Recorder.NoCause.class);
            Throwable cause = Run.until(loop, srv[0].lost);
            assertThat(cause).isInstanceOf(ErrnoException.class);
            assertThat(((ErrnoException) cause).errnoName()).isIn("ECONNRESET", "EPIPE");
            assertThat(srv[0].transport.writeBufferSize()).isZero();
            if (Backends.consumesSocketErrors(backend)) {
                // libkqueue divergence: it read (and so cleared) the ECONNRESET with getsockopt(SO_ERROR)
                // when it reported the reset, so the server's read saw a plain end of file, closed the
                // transport after eofReceived, and the pending write then failed with EPIPE. A write on
                // that closing transport is refused, not dropped.
                assertThatThrownBy(() -> srv[0].transport.write(new byte[10])).isInstanceOf(IllegalStateException.class);
            } else {
                // After a fault, writes are dropped quietly (the protocol learnt of it from connectionLost).
                srv[0].transport.write(new byte[10]);
            }
            assertThat(srv[0].transport.writeBufferSize()).isZero();
            assertThat(((StreamTransport) srv[0].transport).holdsWriteMemory()).isFalse();
            server.close();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void peerThatNeverReadsPausesTheWriterAndMemoryStaysBounded(String backend, String family) throws Exception {
        try (EventLoop loop = open(backend); Arena arena = Arena.ofConfined()) {
            MemorySegment chunk = arena.allocate(16 * 1024);
            long[] maxBuffered = {0};
            AtomicInteger chunks = new AtomicInteger();
            Recorder[] srv = new Recorder[1];
            // Writes as long as it is not paused, one chunk per round (like a producer would).
            Server server = loop.createServer(Families.listenAddress(family), () -> {
                srv[0] = new Recorder() {
                    void produce() {
                        if (!paused && !transport.isClosing()) {
                            transport.write(chunk);
                            chunks.incrementAndGet();
                            maxBuffered[0] = Math.max(maxBuffered[0], transport.writeBufferSize());
                            transport.loop().execute(this::produce);
                        }
                    }

                    @Override
                    public void connectionMade(Transport t) {
                        super.connectionMade(t);
                        produce();
                    }

                    @Override
                    public void resumeWriting() {
                        super.resumeWriting();
                        produce();
                    }
                };
                return srv[0];
            });
            Recorder client = new Recorder() {
                @Override
                public void connectionMade(Transport t) {
                    super.connectionMade(t);
                    t.pauseReading();
                    t.pauseReading(); // idempotent
                    assertThat(t.isReading()).isFalse();
                }
            };
            Transport t = Run.until(loop, loop.connect(server.localAddress(), client, Duration.ofSeconds(5)));
            Run.until(loop, () -> srv[0] != null && srv[0].pauses == 1, Duration.ofSeconds(10));
            Run.forAbout(loop, Duration.ofMillis(50)); // stays paused, writes nothing more
            int chunksWhenPaused = chunks.get();
            Run.forAbout(loop, Duration.ofMillis(50));
            assertThat(chunks.get()).isEqualTo(chunksWhenPaused);
            assertThat(srv[0].transport.writeBufferSize()).isGreaterThan(Transport.DEFAULT_HIGH_WATER);
            assertThat(maxBuffered[0]).isLessThanOrEqualTo(Transport.DEFAULT_HIGH_WATER + chunk.byteSize());
            assertThat(client.size()).isZero();
            // The reader wakes up: the writer resumes, and everything sent arrives.
            t.resumeReading();
            assertThat(t.isReading()).isTrue();
            Run.until(loop, () -> srv[0].resumes >= 1, Duration.ofSeconds(10));
            srv[0].paused = true; // stop producing
            Run.until(loop, () -> srv[0].transport.writeBufferSize() == 0, Duration.ofSeconds(10));
            // Drained: the connection holds no buffer memory any more.
            assertThat(((StreamTransport) srv[0].transport).holdsWriteMemory()).isFalse();
            srv[0].transport.close();
            Run.until(loop, client.eof);
            assertThat((long) client.size()).isEqualTo(chunks.get() * chunk.byteSize());
            assertThat(srv[0].flow.subList(0, 2)).containsExactly("pause", "resume");
            Run.until(loop, srv[0].lost);
            Run.until(loop, client.lost);
            assertThat(loop.pooledBytes()).isLessThanOrEqualTo((long) BufferPool.MAX_PER_CLASS * BufferPool.MAX_POOLED_SIZE);
            server.close();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void aThrowingProtocolLosesItsConnectionAndTheServerGoesOn(String backend, String family) throws Exception {
        try (EventLoop loop = open(backend)) {
            List<String> reported = new ArrayList<>();
            loop.setExceptionHandler((context, error) -> reported.add(error.getMessage()));
            AtomicInteger n = new AtomicInteger();
            List<Recorder> served = new ArrayList<>();
            Server server = loop.createServer(Families.listenAddress(family), () -> {
                int i = n.incrementAndGet();
                if (i == 2) {
                    throw new IllegalStateException("factory boom");
                }
                Recorder r = i == 1
                        ? new Recorder() {
                            @Override
                            public void dataReceived(MemorySegment data) {
                                throw new IllegalArgumentException("data boom");
                            }
                        }
                        : new Echo();
                served.add(r);
                return r;
            });
            SocketAddress addr = server.localAddress();
            Recorder c1 = new Recorder();
            Transport t1 = Run.until(loop, loop.connect(addr, c1, Duration.ofSeconds(5)));
            t1.write("x".getBytes());
            Throwable cause = Run.until(loop, served.get(0).lost);
            assertThat(cause).hasMessage("data boom");
            Run.until(loop, c1.lost); // the server closed it

            Recorder c2 = new Recorder();
            Run.until(loop, loop.connect(addr, c2, Duration.ofSeconds(5)));
            Run.until(loop, c2.lost); // the factory threw: the server closed the socket

            Recorder c3 = new Recorder();
            Transport t3 = Run.until(loop, loop.connect(addr, c3, Duration.ofSeconds(5)));
            t3.write("still serving".getBytes());
            Run.until(loop, () -> c3.size() == 13, Duration.ofSeconds(5));
            assertThat(reported).containsExactly("data boom", "factory boom");
            t3.close();
            Run.until(loop, c3.lost);
            server.close();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void throwingConnectionMadeOrEofReceivedAbortsWithThatCause(String backend, String family) throws Exception {
        try (EventLoop loop = Backends.loop(backend)) {
            List<String> reported = new ArrayList<>();
            loop.setExceptionHandler((context, error) -> reported.add(error.getMessage()));
            Recorder[] srv = new Recorder[1];
            Server server = loop.createServer(Families.listenAddress(family), () -> srv[0] = new Recorder() {
                @Override
                public boolean eofReceived() {
                    super.eofReceived();
                    throw new IllegalStateException("eof boom");
                }
            });
            Recorder client = new Recorder() {
                @Override
                public void connectionMade(Transport t) {
                    super.connectionMade(t);
                    throw new IllegalStateException("made boom");
                }
            };
            Run.until(loop, loop.connect(server.localAddress(), client, Duration.ofSeconds(5)));
            assertThat(Run.until(loop, client.lost)).hasMessage("made boom");
            Run.until(loop, () -> srv[0] != null && srv[0].lost.isDone(), Duration.ofSeconds(5));
            assertThat(srv[0].lost.join()).hasMessage("eof boom");
            assertThat(reported).containsExactly("made boom", "eof boom");
            server.close();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void connectToNothingFails(String backend, String family) throws Exception {
        try (EventLoop loop = open(backend)) {
            SocketAddress addr;
            // Bind to learn a free address, then close it: nothing listens there now.
            Server s = loop.createServer(Families.listenAddress(family), Recorder::new);
            addr = s.localAddress();
            s.close();
            CompletableFuture<Transport> f = loop.connect(addr, new Recorder(), Duration.ofSeconds(5));
            Run.until(loop, f.handle((v, e) -> e));
            assertThat(f).isCompletedExceptionally();
            Throwable e = f.handle((v, x) -> x).join();
            if (Backends.consumesSocketErrors(backend) && !family.equals("unix")) {
                // libkqueue divergence: reporting the refused connect, it read (and so cleared) the
                // ECONNREFUSED with getsockopt(SO_ERROR); finishConnect then finds no error and no peer,
                // as for a connect in progress, and only the connect timeout ends it.
                assertThat(e).isInstanceOfAny(ErrnoException.class, java.net.SocketTimeoutException.class);
            } else {
                assertThat(e).isInstanceOf(ErrnoException.class);
                assertThat(((ErrnoException) e).errnoName()).isIn("ECONNREFUSED", "ENOENT");
            }
            assertThat(loop.openResources()).isZero();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void closingTheLoopEndsEveryConnection(String backend, String family) throws Exception {
        Recorder client = new Recorder();
        Recorder[] srv = new Recorder[1];
        CompletableFuture<Transport> neverRun;
        try (EventLoop loop = open(backend)) {
            Server server = loop.createServer(Families.listenAddress(family), () -> srv[0] = new Recorder());
            Transport t = Run.until(loop, loop.connect(server.localAddress(), client, Duration.ofSeconds(5)));
            Run.until(loop, () -> srv[0] != null, Duration.ofSeconds(5));
            t.setWriteBufferLimits(Long.MAX_VALUE, 0);
            t.write(new byte[8 << 20]); // leaves bytes buffered
            assertThat(t.writeBufferSize()).isPositive();
            neverRun = loop.connect(server.localAddress(), new Recorder(), null); // started, not finished
        }
        assertThat(client.lost.getNow(null)).isInstanceOf(IOException.class).hasMessageContaining("event loop was closed");
        assertThat(srv[0].lost.getNow(null)).isInstanceOf(IOException.class);
        assertThat(neverRun).isDone();
        // LoopChecks checks that every socket and the listener were closed.
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.jselectors.loop.EventLoopTest#backends")
    void serversAndConnectsQueuedWhenTheLoopClosesAreClosedNotLeaked(String backend) throws Exception {
        EventLoop loop = open(backend);
        LoopThread lt = new LoopThread(loop);
        java.util.concurrent.CountDownLatch inTask = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        loop.execute(() -> {
            inTask.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(inTask.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        // The loop is busy: these are queued for its next round, which never comes.
        Server server = loop.createServer(Families.listenAddress("tcp4"), Recorder::new);
        CompletableFuture<Transport> f = loop.connect(server.localAddress(), new Recorder(), Duration.ofSeconds(5));
        Thread closer = new Thread(loop::close);
        closer.start();
        Thread.sleep(50);
        release.countDown();
        closer.join(10_000);
        lt.close();
        assertThat(loop.isClosed()).isTrue();
        assertThat(f).isCompletedExceptionally();
        assertThat(f.handle((v, e) -> e).join()).hasMessageContaining("event loop was closed");
        assertThat(server.isServing()).isFalse();
        // LoopChecks: the listening socket was closed.
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.jselectors.loop.EventLoopTest#backends")
    void connectTimesOutWhenTheBacklogIsFull(String backend) throws Exception {
        try (EventLoop loop = open(backend);
                io.jselectors.net.ListeningSocket full = io.jselectors.net.ListeningSocket.bind(
                        new java.net.InetSocketAddress("127.0.0.1", 0),
                        io.jselectors.net.ListenOptions.DEFAULTS.withBacklog(1))) {
            // Nobody accepts: after the backlog fills, SYNs are dropped and a connect hangs.
            List<CompletableFuture<Transport>> fs = new ArrayList<>();
            CompletableFuture<Transport> last = null;
            for (int i = 0; i < 8; i++) {
                last = loop.connect(full.localAddress(), new Recorder(), Duration.ofMillis(200));
                fs.add(last);
            }
            long t0 = System.nanoTime();
            Run.until(loop, CompletableFuture.allOf(fs.stream().map(f -> f.handle((v, e) -> e)).toArray(CompletableFuture[]::new)),
                    Duration.ofSeconds(10));
            long failed = fs.stream().filter(CompletableFuture::isCompletedExceptionally).count();
            assertThat(failed).as("connects that timed out").isPositive();
            Throwable e = fs.stream().filter(CompletableFuture::isCompletedExceptionally)
                    .findFirst().orElseThrow().handle((v, x) -> x).join();
            assertThat(e).isInstanceOf(java.net.SocketTimeoutException.class).hasMessageContaining("timed out after 200 ms");
            assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
            for (CompletableFuture<Transport> f : fs) {
                if (!f.isCompletedExceptionally()) {
                    f.join().abort();
                }
            }
            Run.forAbout(loop, Duration.ofMillis(20));
            assertThat(loop.openResources()).isZero();
        }
    }
}
