package io.jselectors.loop.framing;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.loop.Protocol;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The framings driven by hand through a transport without a socket: random frame streams cut at random
 * places give the same frames, oversize frames fail at every cut with the limit named and bounded
 * memory, a frame of exactly the maximum passes at every cut, the end of the stream, flow control, and
 * the write helpers. Each read is a native segment whose arena is closed after the call, so a framing
 * that kept a read past its call would fail here.
 */
class FramingTest {
    private static final ByteOrder[] ORDERS = {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN};

    /** A connection's protocol and transport, fed by hand. */
    private static final class Wire {
        final Protocol protocol;
        final FakeTransport transport = new FakeTransport();
        /** The most buffer the framing held after any read. */
        int maxCapacity;
        private final IntSupplier capacity;

        Wire(Protocol protocol) {
            this.protocol = protocol;
            this.capacity = ((FramingProtocol<?>) protocol)::bufferCapacity;
            protocol.connectionMade(transport.api);
        }

        /** Delivers the stream cut at the given offsets (ascending), each piece in native memory. */
        Wire feed(byte[] stream, int... cuts) {
            int from = 0;
            for (int i = 0; i <= cuts.length && !transport.api.isClosing(); i++) {
                int to = i < cuts.length ? cuts[i] : stream.length;
                if (to > from) {
                    try (Arena arena = Arena.ofConfined()) {
                        MemorySegment read = arena.allocate(to - from);
                        MemorySegment.copy(MemorySegment.ofArray(stream), from, read, 0, to - from);
                        protocol.dataReceived(read);
                    }
                    maxCapacity = Math.max(maxCapacity, capacity.getAsInt());
                }
                from = to;
            }
            return this;
        }

        /** The peer's end of stream, then connectionLost as the transport would deliver it. */
        boolean end() {
            boolean keepOpen = transport.api.isClosing() ? false : protocol.eofReceived();
            protocol.connectionLost(null);
            return keepOpen;
        }
    }

    private static int[] randomCuts(Random r, int length) {
        if (length == 0) {
            return new int[0];
        }
        if (r.nextInt(10) == 0) { // one byte per read
            int[] all = new int[length - 1];
            for (int i = 0; i < all.length; i++) {
                all[i] = i + 1;
            }
            return all;
        }
        return r.ints(r.nextInt(Math.min(length, 12) + 1), 0, length + 1).sorted().toArray();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(ISO_8859_1);
    }

    private static String repeat(char c, int n) {
        return String.valueOf(c).repeat(n);
    }

    /** Every (first, second) pair of cut points of a stream, and each byte alone. */
    private static List<int[]> everyCut(int length) {
        List<int[]> cuts = new ArrayList<>();
        for (int a = 0; a <= length; a++) {
            for (int b = a; b <= length; b++) {
                cuts.add(new int[] {a, b});
            }
        }
        int[] single = new int[Math.max(0, length - 1)];
        for (int i = 0; i < single.length; i++) {
            single[i] = i + 1;
        }
        cuts.add(single);
        return cuts;
    }

    // ---- lines ---------------------------------------------------------------------------------

    @Test
    void randomLinesCutAnywhereGiveTheSameLines() {
        byte[] alphabet = bytes("ab\r\u0000\u00ff x");
        for (int seed = 0; seed < 400; seed++) {
            Random r = new Random(seed);
            int max = r.nextInt(40);
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            List<Object> expected = new ArrayList<>();
            int count = r.nextInt(30);
            for (int i = 0; i < count; i++) {
                StringBuilder line = new StringBuilder();
                int length = r.nextInt(max + 1);
                for (int j = 0; j < length; j++) {
                    line.append((char) (alphabet[r.nextInt(alphabet.length)] & 0xFF));
                }
                if (!line.isEmpty() && line.charAt(line.length() - 1) == '\r') {
                    line.setCharAt(line.length() - 1, 'z'); // a final CR is part of the ending, not the line
                }
                expected.add(line.toString());
                stream.writeBytes(bytes(line.toString()));
                boolean last = i == count - 1;
                if (!last || r.nextInt(3) > 0) {
                    stream.writeBytes(bytes(r.nextBoolean() ? "\n" : "\r\n"));
                } else if (line.isEmpty()) {
                    expected.removeLast(); // an empty rest at the end is no line
                }
            }
            byte[] all = stream.toByteArray();
            Collect<MemorySegment> got = Collect.bytes();
            Wire wire = new Wire(Framing.lines(max).bytesProtocol(got)).feed(all, randomCuts(r, all.length));
            wire.end();
            assertThat(got.frames).as("seed %d, max %d", seed, max).isEqualTo(expected);
            assertThat(got.lostCause).as("seed %d", seed).isNull();
            assertThat(got.events).containsExactly("made", "eof", "lost");
            assertThat(wire.transport.aborted).isFalse();
            assertThat(wire.maxCapacity).as("buffer bound, seed %d", seed).isLessThanOrEqualTo(max + 1);
        }
    }

    @Test
    void aLineOverTheMaximumFailsAtEveryCutWithTheLimitNamed() {
        byte[] stream = bytes("ok\r\n" + repeat('x', 9) + "\nafter\n");
        for (int[] cuts : everyCut(stream.length)) {
            Collect<MemorySegment> got = Collect.bytes();
            Wire wire = new Wire(Framing.lines(8).bytesProtocol(got)).feed(stream, cuts);
            wire.end();
            String at = java.util.Arrays.toString(cuts);
            assertThat(got.frames).as(at).containsExactly("ok");
            assertThat(wire.transport.aborted).as(at).isTrue();
            assertThat(wire.transport.abortCause).as("the transport ends with the error").isSameAs(got.lostCause);
            assertThat(got.events).as(at).containsExactly("made", "lost");
            assertThat(got.lostCause).as(at).isInstanceOf(FrameTooLongException.class)
                    .hasMessageContaining("over the limit of 8 bytes");
            FrameTooLongException e = (FrameTooLongException) got.lostCause;
            assertThat(e.limit()).isEqualTo(8);
            assertThat(e.size()).as(at).isBetween(9L, 9L);
            assertThat(wire.maxCapacity).as(at).isLessThanOrEqualTo(9);
        }
    }

    @Test
    void aLongStreamWithoutLineFeedFailsAsSoonAsItPassesTheMaximum() {
        Collect<String> got = Collect.text();
        Wire wire = new Wire(Framing.lines(100).protocol(got));
        for (int i = 0; i < 10; i++) {
            wire.feed(bytes(repeat('y', 30)));
        }
        assertThat(wire.transport.aborted).isTrue();
        wire.end();
        FrameTooLongException e = (FrameTooLongException) got.lostCause;
        assertThat(e.size()).isEqualTo(120); // the fourth read of 30 passed 100
        assertThat(e).hasMessage("line too long: at least 120 bytes without a line feed, over the limit of 100 bytes;"
                + " the connection was aborted (if the peer is right, raise maxLength in Framing.lines)");
        assertThat(wire.maxCapacity).isLessThanOrEqualTo(101);
    }

    @Test
    void aLineOfExactlyTheMaximumPassesAtEveryCutWithEitherEnding() {
        for (String ending : new String[] {"\n", "\r\n"}) {
            byte[] stream = bytes(repeat('x', 8) + ending + repeat('y', 8) + ending);
            for (int[] cuts : everyCut(stream.length)) {
                Collect<MemorySegment> got = Collect.bytes();
                Wire wire = new Wire(Framing.lines(8).bytesProtocol(got)).feed(stream, cuts);
                wire.end();
                assertThat(got.frames).as(java.util.Arrays.toString(cuts)).containsExactly(repeat('x', 8), repeat('y', 8));
                assertThat(got.lostCause).isNull();
                assertThat(wire.maxCapacity).isLessThanOrEqualTo(9);
            }
        }
    }

    @Test
    void aCarriageReturnNotBeforeALineFeedCountsAsPartOfTheLine() {
        Collect<MemorySegment> got = Collect.bytes();
        new Wire(Framing.lines(10).bytesProtocol(got)).feed(bytes("a\rb\n\r\r\n"), 2).end();
        assertThat(got.frames).containsExactly("a\rb", "\r");

        // 8 bytes and a CR fit a limit of 8 only if a line feed follows the CR
        Collect<MemorySegment> over = Collect.bytes();
        new Wire(Framing.lines(8).bytesProtocol(over)).feed(bytes(repeat('x', 8) + "\ry\n"), 9).end();
        assertThat(over.frames).isEmpty();
        assertThat(((FrameTooLongException) over.lostCause).size()).isEqualTo(10);
    }

    @Test
    void theLastLineWithoutLineFeedIsDeliveredAtTheEnd() {
        for (String rest : new String[] {"b", "b\r"}) {
            Collect<String> got = Collect.text();
            new Wire(Framing.lines(10).protocol(got)).feed(bytes("a\n" + rest), 1, 3).end();
            assertThat(got.frames).containsExactly("a", "b");
            assertThat(got.events).containsExactly("made", "eof", "lost");
        }
        Collect<String> none = Collect.text();
        new Wire(Framing.lines(10).protocol(none)).feed(bytes("a\n")).end();
        assertThat(none.frames).containsExactly("a");
    }

    @Test
    void linesDecodeTheirCharsetAcrossReads() {
        String text = "héllo wörld €𝄞";
        byte[] stream = (text + "\n" + text + "\r\n").getBytes(UTF_8);
        for (int cut = 0; cut <= stream.length; cut++) {
            Collect<String> got = Collect.text();
            new Wire(Framing.lines(64).protocol(got)).feed(stream, cut).end();
            assertThat(got.frames).containsExactly(text, text);
        }
        Collect<String> latin = Collect.text();
        new Wire(Framing.lines(64, ISO_8859_1).protocol(latin)).feed(new byte[] {(byte) 0xE9, '\n'}).end();
        assertThat(latin.frames).containsExactly("é");
        Collect<String> invalid = Collect.text();
        new Wire(Framing.lines(64).protocol(invalid)).feed(new byte[] {(byte) 0xFF, 'a', '\n'}).end();
        assertThat(invalid.frames).containsExactly("\uFFFDa");
    }

    @Test
    void aLineWholeInOneReadIsASliceOfTheReadAndASplitOneIsNot() {
        List<Boolean> sliceOfRead = new ArrayList<>();
        MemorySegment[] current = new MemorySegment[1];
        Collect<MemorySegment> got = Collect.bytes();
        got.onFrame = f -> sliceOfRead.add(f.isNative() && f.address() >= current[0].address()
                && f.address() + f.byteSize() <= current[0].address() + current[0].byteSize());
        Protocol p = Framing.lines(16).bytesProtocol(got);
        p.connectionMade(new FakeTransport().api);
        try (Arena arena = Arena.ofConfined()) {
            for (String read : new String[] {"abc\ndef\nsp", "lit\n"}) {
                current[0] = arena.allocateFrom(read, ISO_8859_1).asSlice(0, read.length());
                p.dataReceived(current[0]);
            }
        }
        assertThat(got.frames).containsExactly("abc", "def", "split");
        assertThat(sliceOfRead).containsExactly(true, true, false);
    }

    // ---- length-prefixed -----------------------------------------------------------------------

    /** Every header size, in both byte orders where it has bytes to order. */
    static List<Arguments> headers() {
        return List.of(Arguments.of(1, ByteOrder.BIG_ENDIAN),
                Arguments.of(2, ByteOrder.BIG_ENDIAN), Arguments.of(2, ByteOrder.LITTLE_ENDIAN),
                Arguments.of(4, ByteOrder.BIG_ENDIAN), Arguments.of(4, ByteOrder.LITTLE_ENDIAN));
    }

    private static byte[] header(int headerBytes, ByteOrder order, long length) {
        byte[] h = new byte[headerBytes];
        for (int i = 0; i < headerBytes; i++) {
            int shift = 8 * (order == ByteOrder.BIG_ENDIAN ? headerBytes - 1 - i : i);
            h[i] = (byte) (length >>> shift);
        }
        return h;
    }

    @Test
    void randomFramesCutAnywhereGiveTheSameFrames() {
        for (int seed = 0; seed < 400; seed++) {
            Random r = new Random(seed);
            int headerBytes = new int[] {1, 2, 4}[r.nextInt(3)];
            ByteOrder order = ORDERS[r.nextInt(2)];
            int max = r.nextInt(headerBytes == 1 ? 256 : 600);
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            List<Object> expected = new ArrayList<>();
            int count = r.nextInt(20);
            for (int i = 0; i < count; i++) {
                byte[] frame = new byte[r.nextInt(3) == 0 ? 0 : r.nextInt(max + 1)];
                r.nextBytes(frame);
                expected.add(new String(frame, ISO_8859_1));
                stream.writeBytes(header(headerBytes, order, frame.length));
                stream.writeBytes(frame);
            }
            byte[] all = stream.toByteArray();
            Collect<MemorySegment> got = Collect.bytes();
            Wire wire = new Wire(Framing.lengthPrefixed(headerBytes, order, max).protocol(got))
                    .feed(all, randomCuts(r, all.length));
            wire.end();
            String as = "seed " + seed + ", " + headerBytes + " bytes " + order + ", max " + max;
            assertThat(got.frames).as(as).isEqualTo(expected);
            assertThat(got.events).as(as).containsExactly("made", "eof", "lost");
            assertThat(got.lostCause).as(as).isNull();
            assertThat(wire.maxCapacity).as(as).isLessThanOrEqualTo(max);
        }
    }

    @ParameterizedTest(name = "{0}-byte header, {1}")
    @MethodSource("headers")
    void aFrameOverTheMaximumFailsAtEveryCutAndOneAtTheMaximumPasses(int headerBytes, ByteOrder order) {
        LengthFieldFraming framing = Framing.lengthPrefixed(headerBytes, order, 8);
        ByteArrayOutputStream over = new ByteArrayOutputStream();
        over.writeBytes(header(headerBytes, order, 2));
        over.writeBytes(bytes("ok"));
        over.writeBytes(header(headerBytes, order, 9));
        over.writeBytes(bytes(repeat('x', 9)));
        over.writeBytes(header(headerBytes, order, 5));
        over.writeBytes(bytes("after"));
        byte[] stream = over.toByteArray();
        for (int[] cuts : everyCut(stream.length)) {
            Collect<MemorySegment> got = Collect.bytes();
            Wire wire = new Wire(framing.protocol(got)).feed(stream, cuts);
            wire.end();
            String at = java.util.Arrays.toString(cuts);
            assertThat(got.frames).as(at).containsExactly("ok");
            assertThat(wire.transport.aborted).as(at).isTrue();
            assertThat(got.events).as(at).containsExactly("made", "lost");
            assertThat(got.lostCause).as(at).isInstanceOf(FrameTooLongException.class)
                    .hasMessage("frame too long: its header says 9 bytes, over the limit of 8 bytes; the connection"
                            + " was aborted (if the peer is right, raise maxFrame in Framing.lengthPrefixed)");
            assertThat(wire.maxCapacity).as(at).isLessThanOrEqualTo(8);
        }
        ByteArrayOutputStream exact = new ByteArrayOutputStream();
        exact.writeBytes(header(headerBytes, order, 8));
        exact.writeBytes(bytes(repeat('m', 8)));
        exact.writeBytes(header(headerBytes, order, 0));
        byte[] atMax = exact.toByteArray();
        for (int[] cuts : everyCut(atMax.length)) {
            Collect<MemorySegment> got = Collect.bytes();
            Wire wire = new Wire(framing.protocol(got)).feed(atMax, cuts);
            wire.end();
            assertThat(got.frames).as(java.util.Arrays.toString(cuts)).containsExactly(repeat('m', 8), "");
            assertThat(got.lostCause).isNull();
        }
    }

    @Test
    void aFourByteHeaderIsUnsigned() {
        Collect<MemorySegment> got = Collect.bytes();
        new Wire(Framing.lengthPrefixed(1000).protocol(got)).feed(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1}).end();
        assertThat(((FrameTooLongException) got.lostCause).size()).isEqualTo(0xFFFF_FFFFL);
        assertThat(got.frames).isEmpty();
    }

    @Test
    void aStreamEndingInsideAFrameIsAnErrorSayingHowMuchCame() {
        Collect<MemorySegment> inHeader = Collect.bytes();
        Wire a = new Wire(Framing.lengthPrefixed(100).protocol(inHeader)).feed(new byte[] {0, 0});
        assertThat(a.end()).isFalse();
        assertThat(a.transport.aborted).isTrue();
        assertThat(inHeader.events).containsExactly("made", "lost");
        assertThat(inHeader.lostCause).isInstanceOf(EOFException.class).hasMessage(
                "the stream ended inside a frame's 4-byte length header (2 of its bytes came); the connection was aborted");

        Collect<MemorySegment> inFrame = Collect.bytes();
        Wire b = new Wire(Framing.lengthPrefixed(100).protocol(inFrame)).feed(new byte[] {0, 0, 0, 10, 1, 2, 3});
        assertThat(b.end()).isFalse();
        assertThat(inFrame.lostCause).isInstanceOf(EOFException.class)
                .hasMessage("the stream ended inside a frame: 3 of its 10 bytes came; the connection was aborted");
    }

    @Test
    void aLargeSplitFrameIsGatheredAndItsBufferDroppedAfterwards() {
        int size = 200_000;
        byte[] frame = new byte[size];
        new Random(7).nextBytes(frame);
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        s.writeBytes(header(4, ByteOrder.BIG_ENDIAN, size));
        s.writeBytes(frame);
        s.writeBytes(header(4, ByteOrder.BIG_ENDIAN, 1));
        s.write('z');
        Collect<MemorySegment> got = Collect.bytes();
        Protocol p = Framing.lengthPrefixed(size).protocol(got);
        Wire wire = new Wire(p).feed(s.toByteArray(), 65536, 131072, 196608);
        assertThat(got.frames).containsExactly(new String(frame, ISO_8859_1), "z");
        assertThat(wire.maxCapacity).isEqualTo(size);
        assertThat(((FramingProtocol<?>) p).bufferCapacity()).as("a buffer over 64 KiB is dropped").isZero();
    }

    // ---- both: delivery stops, flow control passes through -------------------------------------

    @Test
    void framesStopOnceTheHandlerClosesTheTransport() {
        Collect<String> got = Collect.text();
        got.onFrame = line -> {
            if (line.equals("stop")) {
                got.transport.close();
            }
        };
        new Wire(Framing.lines(10).protocol(got)).feed(bytes("a\nstop\nb\nc\n"));
        assertThat(got.frames).containsExactly("a", "stop");

        Collect<MemorySegment> frames = Collect.bytes();
        frames.onFrame = f -> frames.transport.abort();
        new Wire(Framing.lengthPrefixed(2, ByteOrder.BIG_ENDIAN, 10).protocol(frames))
                .feed(new byte[] {0, 1, 'a', 0, 1, 'b'});
        assertThat(frames.frames).containsExactly("a");
    }

    @Test
    void pausingReadingStillDeliversTheFramesOfTheCurrentRead() {
        Collect<String> got = Collect.text();
        got.onFrame = line -> got.transport.pauseReading();
        Wire wire = new Wire(Framing.lines(10).protocol(got)).feed(bytes("a\nb\n"));
        assertThat(got.frames).containsExactly("a", "b");
        assertThat(wire.transport.readingPaused).isTrue();
    }

    @Test
    void flowControlEofAndCausesPassThrough() {
        Collect<String> got = Collect.text();
        got.keepOpenOnEof = true;
        Protocol p = Framing.lines(10).protocol(got);
        FakeTransport t = new FakeTransport();
        p.connectionMade(t.api);
        p.pauseWriting();
        p.resumeWriting();
        assertThat(p.eofReceived()).isTrue();
        IllegalStateException cause = new IllegalStateException("gone");
        p.connectionLost(cause);
        assertThat(got.transport).isSameAs(t.api);
        assertThat(got.events).containsExactly("made", "pause", "resume", "eof", "lost");
        assertThat(got.lostCause).isSameAs(cause);

        Collect<MemorySegment> frames = Collect.bytes();
        Protocol q = Framing.lengthPrefixed(10).protocol(frames);
        q.connectionMade(new FakeTransport().api);
        assertThat(q.eofReceived()).isFalse();
    }

    @Test
    void whatTheHandlerThrowsLeavesDataReceivedForTheLoopToReport() {
        Protocol p = Framing.lines(10).protocol(line -> {
            throw new IllegalArgumentException("bad line " + line);
        });
        p.connectionMade(new FakeTransport().api);
        assertThatThrownBy(() -> p.dataReceived(MemorySegment.ofArray(bytes("x\n"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("bad line x");
        assertThat(p.toString()).startsWith("LineFraming[maxLength=10, UTF-8] for ");
    }

    // ---- writing -------------------------------------------------------------------------------

    @Test
    void lineWritesAppendTheLineFeedAndReadBackTheSame() {
        LineFraming lines = Framing.lines(16);
        FakeTransport t = new FakeTransport();
        lines.write(t.api, "héllo");
        lines.write(t.api, MemorySegment.ofArray(bytes("bytes")));
        lines.write(t.api, "");
        lines.withCrlf().write(t.api, "crlf");
        assertThat(t.written.toByteArray()).isEqualTo(("héllo\nbytes\n\ncrlf\r\n").getBytes(UTF_8));
        assertThat(t.writeCalls).as("one write per line").isEqualTo(4);
        Collect<String> got = Collect.text();
        new Wire(lines.protocol(got)).feed(t.written.toByteArray()).end();
        assertThat(got.frames).containsExactly("héllo", "bytes", "", "crlf");
    }

    @Test
    void lineWritesRefuseWhatWouldNotReadBackAndWriteNothing() {
        LineFraming lines = Framing.lines(4);
        FakeTransport t = new FakeTransport();
        assertThatThrownBy(() -> lines.write(t.api, "a\nb")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line feed at byte 1");
        assertThatThrownBy(() -> lines.write(t.api, "ab\r")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ends with a carriage return");
        assertThatThrownBy(() -> lines.write(t.api, "éé€")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("line of 7 bytes is over this framing's maxLength of 4; nothing was written");
        assertThatThrownBy(() -> lines.write(t.api, MemorySegment.ofArray(bytes("12345"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxLength of 4");
        assertThat(t.writeCalls).isZero();
    }

    @ParameterizedTest(name = "{0}-byte header, {1}")
    @MethodSource("headers")
    void frameWritesPrefixTheLengthAndReadBackTheSame(int headerBytes, ByteOrder order) {
        LengthFieldFraming framing = Framing.lengthPrefixed(headerBytes, order, 255);
        FakeTransport t = new FakeTransport();
        byte[] big = new byte[255];
        new Random(3).nextBytes(big);
        framing.write(t.api, big);
        framing.write(t.api, MemorySegment.ofArray(bytes("hi")));
        framing.write(t.api, new byte[0]);
        assertThat(t.writeCalls).as("one gathering write per frame").isEqualTo(3);
        byte[] out = t.written.toByteArray();
        assertThat(java.util.Arrays.copyOf(out, headerBytes)).isEqualTo(header(headerBytes, order, 255));
        assertThat(out).hasSize(3 * headerBytes + 257);
        Collect<MemorySegment> got = Collect.bytes();
        new Wire(framing.protocol(got)).feed(out).end();
        assertThat(got.frames).containsExactly(new String(big, ISO_8859_1), "hi", "");
        assertThatThrownBy(() -> framing.write(t.api, new byte[256])).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("frame of 256 bytes is over this framing's maxFrame of 255; nothing was written");
        assertThat(t.writeCalls).isEqualTo(3);
    }

    // ---- configuration -------------------------------------------------------------------------

    @Test
    void badConfigurationsSayWhatIsWrong() {
        assertThatThrownBy(() -> Framing.lines(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxLength must be 0 to 1073741824 (1 GiB); got -1");
        assertThatThrownBy(() -> Framing.lines(Framing.MAX_LIMIT + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Framing.lines(10, java.nio.charset.StandardCharsets.UTF_16))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ASCII-compatible");
        assertThatThrownBy(() -> Framing.lengthPrefixed(3, ByteOrder.BIG_ENDIAN, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("headerBytes must be 1, 2 or 4; got 3");
        assertThatThrownBy(() -> Framing.lengthPrefixed(1, ByteOrder.BIG_ENDIAN, 256))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 255");
        assertThatThrownBy(() -> Framing.lengthPrefixed(2, ByteOrder.BIG_ENDIAN, 65536))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 65535");
        assertThat(Framing.lengthPrefixed(2, ByteOrder.LITTLE_ENDIAN, 65535).maxFrame()).isEqualTo(65535);
        assertThat(Framing.lengthPrefixed(Framing.MAX_LIMIT).toString())
                .isEqualTo("LengthFieldFraming[4-byte header, BIG_ENDIAN, maxFrame=1073741824]");
    }
}
