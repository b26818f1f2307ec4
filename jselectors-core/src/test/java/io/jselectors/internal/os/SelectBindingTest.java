package io.jselectors.internal.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.ErrnoException;
import io.jselectors.Fds;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** fd_set stays within its 128 bytes: fds outside [0, 1024) are refused before any bit is touched. */
class SelectBindingTest {
    private static final byte GUARD = (byte) 0xA5;
    private static final long PAD = 128;

    @Test
    void fdSetIs1024BitsIn128Bytes() {
        assertThat(Select.FD_SETSIZE).isEqualTo(1024);
        assertThat(Select.FD_SET_BYTES).isEqualTo(128);
        assertThat(Select.FD_SET.byteSize()).isEqualTo(128);
        assertThat(Select.TIMEVAL.byteSize()).isEqualTo(16);
    }

    @Test
    void settingEveryFdWritesOnlyInsideTheSet() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment whole = guarded(arena);
            MemorySegment set = whole.asSlice(PAD, Select.FD_SET_BYTES).fill((byte) 0);
            for (int fd = 0; fd < Select.FD_SETSIZE; fd++) {
                assertThat(Select.isSet(set, fd)).isFalse();
                Select.set(set, fd);
                assertThat(Select.isSet(set, fd)).isTrue();
            }
            assertThat(set.toArray(ValueLayout.JAVA_BYTE)).containsOnly((byte) 0xFF);
            assertGuardsIntact(whole);
            // bit (fd % 8) of byte (fd / 8), as glibc's FD_SET on little-endian machines
            for (int fd = 0; fd < Select.FD_SETSIZE; fd += 3) {
                Select.clear(set, fd);
                assertThat(set.get(ValueLayout.JAVA_BYTE, fd / 8) & (1 << (fd % 8))).as("fd %d", fd).isZero();
            }
            assertGuardsIntact(whole);
        }
    }

    @Test
    void fdsOutsideTheSetAreRefusedBeforeAnyWrite() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment whole = guarded(arena);
            MemorySegment set = whole.asSlice(PAD, Select.FD_SET_BYTES);
            for (int fd : new int[] {-1, Integer.MIN_VALUE, 1024, 1025, 4096, Integer.MAX_VALUE}) {
                assertThatThrownBy(() -> Select.set(set, fd))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("fd " + fd);
                assertThatThrownBy(() -> Select.clear(set, fd)).isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> Select.isSet(set, fd)).isInstanceOf(IllegalArgumentException.class);
            }
            assertThat(set.toArray(ValueLayout.JAVA_BYTE)).containsOnly(GUARD);
            assertGuardsIntact(whole);
        }
    }

    /** Even a set that is too small cannot be written past: the segment bounds the access. */
    @Test
    void aShortSegmentIsNeverWrittenPast() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment small = arena.allocate(64);
            assertThatThrownBy(() -> Select.set(small, 600)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> Select.select(1, small, MemorySegment.NULL, MemorySegment.NULL))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("128");
            MemorySegment set = arena.allocate(Select.FD_SET);
            assertThatThrownBy(() -> Select.select(1, set, set, arena.allocate(8)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("timeval");
            assertThatThrownBy(() -> Select.select(1025, set, set, MemorySegment.NULL))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Select.select(-1, set, set, MemorySegment.NULL))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    /** The kernel writes back at most nfds bits: with fd 1023 watched, still nothing past 128 bytes. */
    @Test
    void theKernelWritesInsideTheSetToo() throws IOException {
        try (Arena arena = Arena.ofConfined(); Fds fds = new Fds()) {
            int fd = fds.dup2(fds.eventfd(1), 1023); // readable and writable
            MemorySegment rWhole = guarded(arena), wWhole = guarded(arena);
            MemorySegment r = rWhole.asSlice(PAD, Select.FD_SET_BYTES).fill((byte) 0);
            MemorySegment w = wWhole.asSlice(PAD, Select.FD_SET_BYTES).fill((byte) 0);
            Select.set(r, fd);
            Select.set(w, fd);
            MemorySegment tv = arena.allocate(Select.TIMEVAL); // zero: do not wait
            assertThat(Select.select(1024, r, w, tv)).isEqualTo(2);
            assertThat(Select.isSet(r, fd)).isTrue();
            assertThat(Select.isSet(w, fd)).isTrue();
            assertGuardsIntact(rWhole);
            assertGuardsIntact(wWhole);
        }
    }

    @Test
    void aClosedFdInTheSetFailsWithEbadf() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            int bad = 1000;
            assertThat(Fcntl.isOpen(bad)).isFalse();
            MemorySegment r = arena.allocate(Select.FD_SET);
            Select.set(r, bad);
            assertThatThrownBy(() -> Select.select(bad + 1, r, MemorySegment.NULL, arena.allocate(Select.TIMEVAL)))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errnoName()).isEqualTo("EBADF"))
                    .hasMessage("select(nfds=1001): EBADF (Bad file descriptor)");
        }
    }

    private static MemorySegment guarded(Arena arena) {
        return arena.allocate(PAD + Select.FD_SET_BYTES + PAD, 8).fill(GUARD);
    }

    private static void assertGuardsIntact(MemorySegment whole) {
        assertThat(whole.asSlice(0, PAD).toArray(ValueLayout.JAVA_BYTE)).as("bytes before the set").containsOnly(GUARD);
        assertThat(whole.asSlice(PAD + Select.FD_SET_BYTES, PAD).toArray(ValueLayout.JAVA_BYTE))
                .as("bytes after the set")
                .containsOnly(GUARD);
    }
}
