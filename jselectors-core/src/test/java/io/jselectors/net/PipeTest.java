package io.jselectors.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.ErrnoException;
import io.jselectors.internal.os.Fcntl;
import io.jselectors.internal.os.Unistd;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import org.junit.jupiter.api.Test;

/** Pipes and adopted descriptors. */
class PipeTest extends FdCheck {
    @Test
    void bytesFlowAndEndOfStreamFollowsClose() throws Exception {
        try (Pipe p = Pipe.open()) {
            assertThat(p.source().fileno()).isNotNegative();
            assertThat(p.source().read(ByteBuffer.allocate(4))).as("empty pipe would block").isZero();
            assertThat(p.sink().write(ByteBuffer.wrap(new byte[] {1, 2, 3}))).isEqualTo(3);
            ByteBuffer b = ByteBuffer.allocate(8);
            assertThat(p.source().read(b)).isEqualTo(3);
            p.sink().close();
            assertThat(p.source().read(b)).isEqualTo(-1);
        }
    }

    @Test
    void fullPipeTakesAPartialWriteThenNothing() throws Exception {
        try (Pipe p = Pipe.open()) {
            ByteBuffer big = ByteBuffer.allocateDirect(1 << 20);
            int n = p.sink().write(big);
            assertThat(n).as("a pipe holds 64 KiB by default").isBetween(4096, (1 << 20) - 1);
            assertThat(big.position()).isEqualTo(n);
            assertThat(p.sink().write(big)).as("full pipe would block").isZero();
            // gathering write on a full pipe also reports 0
            assertThat(p.sink().write(new ByteBuffer[] {ByteBuffer.allocate(1)}, 0, 1)).isZero();
        }
    }

    @Test
    void writingToAClosedReaderThrowsEpipe() throws Exception {
        try (Pipe p = Pipe.open()) {
            p.source().close();
            assertThatThrownBy(() -> p.sink().write(ByteBuffer.wrap(new byte[] {1})))
                    .isInstanceOf(ErrnoException.class)
                    .hasMessage("write(fd=" + p.sink().fileno() + "): EPIPE (Broken pipe)");
        }
    }

    @Test
    void closedStreamThrowsClosedChannelException() throws Exception {
        Pipe p = Pipe.open();
        p.close();
        assertThat(p.sink().isOpen()).isFalse();
        assertThatThrownBy(() -> p.source().read(ByteBuffer.allocate(1)))
                .isInstanceOf(ClosedChannelException.class)
                .hasMessage("read: the stream is closed");
    }

    @Test
    void adoptTakesOwnershipAndSetsNonBlocking() throws Exception {
        try (Pipe p = Pipe.open()) {
            // duplicate the read end without O_NONBLOCK's help: clear it on the shared open file first
            int dup = Fcntl.fcntl(p.source().fileno(), Fcntl.F_DUPFD_CLOEXEC, 0);
            Fcntl.setNonBlocking(dup, false);
            try (NativeStream s = NativeStream.adopt(dup)) {
                assertThat(Fcntl.fcntl(dup, Fcntl.F_GETFL, 0) & Unistd.O_NONBLOCK).isNotZero();
                assertThat(s.read(ByteBuffer.allocate(1))).as("would block, not hang").isZero();
                p.sink().write(ByteBuffer.wrap(new byte[] {5}));
                ByteBuffer b = ByteBuffer.allocate(1);
                assertThat(s.read(b)).isEqualTo(1);
                assertThat(b.get(0)).isEqualTo((byte) 5);
            }
        }
        assertThatThrownBy(() -> NativeStream.adopt(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
