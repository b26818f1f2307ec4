package io.jselectors.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jselectors.ErrnoException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** NativeStream, StreamSocket, Pipe and ListeningSocket in blocking style, and the java.io views, on virtual threads. */
class BlockingStyleTest extends FdCheck {
    private static final Duration LONG = Duration.ofSeconds(20);

    interface IoCall<T> {
        T run() throws Exception;
    }

    private static <T> Future<T> onVirtual(IoCall<T> call) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                f.complete(call.run());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    private static Throwable failure(Future<?> f) throws Exception {
        try {
            f.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected a failure");
    }

    @Test
    void readWaitsForDataAndTimesOutWithZero() throws Exception {
        try (Pipe p = Pipe.open()) {
            ByteBuffer buf = ByteBuffer.allocate(16);
            long t0 = System.nanoTime();
            assertThat(p.source().read(buf, Duration.ofMillis(50))).as("timeout: 0").isZero();
            assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(50_000_000L);
            assertThat(p.source().read(buf, Duration.ZERO)).isZero();

            Future<Integer> reader = onVirtual(() -> p.source().read(buf, LONG));
            Thread.sleep(50);
            assertThat(reader.isDone()).isFalse();
            p.sink().write(ByteBuffer.wrap(new byte[] {4, 5}));
            assertThat(reader.get(10, TimeUnit.SECONDS)).isEqualTo(2);
            assertThat(buf.position()).isEqualTo(2);

            MemorySegment seg = Arena.ofAuto().allocate(8);
            Future<Integer> segReader = onVirtual(() -> p.source().read(seg, LONG));
            Thread.sleep(50);
            p.sink().close();
            assertThat(segReader.get(10, TimeUnit.SECONDS)).as("end of stream").isEqualTo(-1);
        }
    }

    @Test
    void writeFullyWaitsForRoomUntilEveryByteIsWritten() throws Exception {
        StreamSocket[] pair = StreamSocket.pair();
        try (StreamSocket a = pair[0]; StreamSocket b = pair[1]) {
            byte[] data = new byte[4 << 20]; // far more than the socket buffers hold
            new Random(11).nextBytes(data);
            Future<Integer> writer = onVirtual(() -> a.writeFully(ByteBuffer.wrap(data), LONG));
            ByteBuffer got = ByteBuffer.allocate(data.length);
            while (got.hasRemaining()) {
                assertThat(b.read(got, LONG)).isPositive();
            }
            assertThat(writer.get(10, TimeUnit.SECONDS)).isEqualTo(data.length);
            assertThat(got.array()).isEqualTo(data);

            MemorySegment seg = Arena.ofAuto().allocate(1 << 20);
            long t0 = System.nanoTime();
            long n = a.writeFully(seg, Duration.ofMillis(60));
            assertThat(n).as("nobody reads: only part fits before the timeout").isBetween(1L, seg.byteSize() - 1);
            assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(60_000_000L);
            ByteBuffer rest = ByteBuffer.allocate(16);
            assertThat(a.writeFully(rest.clear(), Duration.ZERO)).as("still full").isZero();
        }
    }

    @Test
    void acceptWaitsForAConnection() throws Exception {
        try (ListeningSocket server = ListeningSocket.bind(new InetSocketAddress("127.0.0.1", 0))) {
            assertThat(server.accept(Duration.ofMillis(20))).as("nobody connects: null").isNull();
            Future<StreamSocket> accepted = onVirtual(() -> server.accept(LONG));
            Thread.sleep(50);
            assertThat(accepted.isDone()).isFalse();
            try (StreamSocket client = StreamSocket.connect(server.localAddress());
                 StreamSocket s = accepted.get(10, TimeUnit.SECONDS)) {
                assertThat(s).isNotNull();
                client.writeFully(ByteBuffer.wrap("hi".getBytes(StandardCharsets.US_ASCII)), LONG);
                ByteBuffer in = ByteBuffer.allocate(2);
                assertThat(s.read(in, LONG)).isPositive();
            }
            Future<StreamSocket> never = onVirtual(() -> server.accept(LONG));
            Thread.sleep(50);
            server.close();
            assertThat(failure(never)).isInstanceOf(AsynchronousCloseException.class);
        }
    }

    @Test
    void javaIoStreamsOverASocketPairFromVirtualThreads() throws Exception {
        StreamSocket[] pair = StreamSocket.pair();
        try (StreamSocket a = pair[0]; StreamSocket b = pair[1]) {
            byte[] data = new byte[1 << 20];
            new Random(3).nextBytes(data);
            Future<byte[]> reader = onVirtual(() -> {
                try (InputStream in = b.inputStream()) {
                    return in.readAllBytes();
                }
            });
            onVirtual(() -> {
                try (OutputStream out = a.outputStream()) {
                    out.write(data, 0, 1000);
                    out.write(data[1000]);
                    out.write(data, 1001, data.length - 1001);
                }
                return null;
            }).get(20, TimeUnit.SECONDS);
            assertThat(reader.get(20, TimeUnit.SECONDS)).isEqualTo(data);
            assertThat(a.isOpen()).as("closing the view closed the stream").isFalse();
        }
    }

    @Test
    void inputStreamReadTimeoutAndCloseAndInterrupt() throws Exception {
        try (Pipe p = Pipe.open()) {
            InputStream timed = p.source().inputStream(Duration.ofMillis(30));
            assertThatThrownBy(() -> timed.read()).isInstanceOf(SocketTimeoutException.class);
            byte[] buf = new byte[4];
            assertThat(p.source().inputStream().read(buf, 0, 0)).isZero();
            assertThatThrownBy(() -> p.source().inputStream().read(buf, 2, 3)).isInstanceOf(IndexOutOfBoundsException.class);

            CompletableFuture<Thread> self = new CompletableFuture<>();
            Future<Integer> interrupted = onVirtual(() -> {
                self.complete(Thread.currentThread());
                return p.source().inputStream().read();
            });
            Thread t = self.get(10, TimeUnit.SECONDS);
            Thread.sleep(50);
            t.interrupt();
            assertThat(failure(interrupted)).isInstanceOf(InterruptedIOException.class);

            Future<Integer> closed = onVirtual(() -> p.source().inputStream().read());
            Thread.sleep(50);
            p.source().close();
            assertThat(failure(closed)).isInstanceOf(AsynchronousCloseException.class);
        }
    }

    @Test
    void outputStreamToAClosedReaderThrowsEpipe() throws Exception {
        StreamSocket[] pair = StreamSocket.pair();
        try (StreamSocket a = pair[0]) {
            pair[1].close();
            byte[] data = new byte[100];
            assertThatThrownBy(() -> a.outputStream().write(data))
                    .isInstanceOf(ErrnoException.class)
                    .hasMessageContaining("EPIPE");
            assertThat(Arrays.equals(data, new byte[100])).isTrue();
        }
    }

    @Test
    void pseudoTerminalReadFromAVirtualThread() throws Exception {
        assumeTrue(PseudoTerminal.isAvailable(), "no posix_openpt/ptsname_r on this platform");
        try (PseudoTerminal pty = PseudoTerminal.open()) {
            assertThat(pty.name()).startsWith("/dev/");
            Future<String> line = onVirtual(() -> {
                InputStream in = pty.controller().inputStream();
                StringBuilder sb = new StringBuilder();
                int c;
                while ((c = in.read()) != '\n') {
                    sb.append((char) c);
                }
                return sb.toString();
            });
            Thread.sleep(50);
            assertThat(line.isDone()).isFalse();
            pty.terminal().outputStream().write("hello tty\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(line.get(10, TimeUnit.SECONDS)).as("the line discipline turns \\n into \\r\\n").isEqualTo("hello tty\r");
        }
    }
}
