package io.jselectors.net;

import io.jselectors.DescriptorExhaustion;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.DescriptorExhaustion;
import io.jselectors.ErrnoException;
import io.jselectors.internal.os.Errno;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * Out of descriptors: accept throws EMFILE with advice and leaves the connection queued. The soft
 * RLIMIT_NOFILE is lowered for a moment and the free descriptors below it are filled with pipes.
 */
class DescriptorExhaustionTest extends FdCheck {
    @Test
    void acceptSaysTooManyOpenFilesAndTheConnectionWaits() throws Throwable {
        try (ListeningSocket l = ListeningSocket.bind(new InetSocketAddress("127.0.0.1", 0));
                StreamSocket c = StreamSocket.connect(l.localAddress())) {
            await("connect", c::finishConnect);
            ErrnoException fromAccept = null;
            ErrnoException fromPipe;
            // Warm up the classes used while no descriptor is free.
            new ErrnoException("x", 1, "y", "z").getMessage();
            try (DescriptorExhaustion full = DescriptorExhaustion.start()) {
                fromPipe = full.pipeError();
                try {
                    StreamSocket unexpected = l.accept();
                    if (unexpected != null) {
                        unexpected.close();
                    }
                } catch (ErrnoException e) {
                    fromAccept = e;
                }
            }
            assertThat(fromPipe).as("pipe2 under the lowered limit").isNotNull();
            assertThat(fromPipe.errno()).isEqualTo(Errno.EMFILE);
            assertThat(fromAccept).as("accept under the lowered limit").isNotNull();
            assertThat(fromAccept.errno()).isEqualTo(Errno.EMFILE);
            assertThat(fromAccept)
                    .hasMessageStartingWith("accept4(fd=" + l.fileno() + "): EMFILE (Too many open files; ")
                    .hasMessageContaining("ulimit -n");
            StreamSocket s = l.accept();
            assertThat(s).as("the connection waited in the queue").isNotNull();
            s.close();
        }
    }
}
