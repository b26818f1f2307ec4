package io.jselectors.fd;

import io.jselectors.ErrnoException;
import io.jselectors.internal.os.PtySys;
import io.jselectors.internal.os.Unistd;
import io.jselectors.net.NativeStream;
import java.io.Closeable;
import java.io.IOException;

/**
 * A pseudo-terminal pair in raw mode: bytes written to one end come out of the other, through a real tty
 * driver. For serial-port-style I/O in tests, and for talking to programs that want a terminal.
 *
 * <pre>{@code
 * try (Selector sel = Selector.open(); Pty pty = Pty.open()) {
 *     sel.register(pty.slave(), Selector.EVENT_READ);
 *     pty.master().write(ByteBuffer.wrap("AT\r".getBytes(StandardCharsets.US_ASCII)));
 *     sel.select(Duration.ofSeconds(1));       // the slave is readable
 *     pty.slave().read(buf);                   // "AT\r", unchanged (raw mode)
 * }
 * }</pre>
 *
 * <p>Both ends are non-blocking {@link NativeStream}s. Raw mode ({@code cfmakeraw}) means no echo, no line
 * editing, no CR/LF translation and no signals from control characters. Once the slave is closed, reading
 * the master fails with EIO (Linux), not end-of-file: treat EIO there as the other side hanging up.
 * {@link #isAvailable()} is true on Linux only for now: macOS and the BSDs have the same calls, but this
 * library has not tabled their constants or run there.
 */
public final class Pty implements Closeable {
    private final NativeStream master;
    private final NativeStream slave;
    private final String name;

    private Pty(NativeStream master, NativeStream slave, String name) {
        this.master = master;
        this.slave = slave;
        this.name = name;
    }

    /**
     * Whether pseudo-terminals are available here.
     *
     * @return true on Linux
     */
    public static boolean isAvailable() {
        return PtySys.isAvailable();
    }

    /**
     * Opens a master ({@code posix_openpt}) and its slave, both non-blocking and close-on-exec, neither the
     * controlling terminal of this process, the slave in raw mode.
     *
     * @return the pair
     * @throws ErrnoException                on EMFILE, or when no pseudo-terminal is free (ENOSPC, EAGAIN:
     *                                       raise the sysctl kernel.pty.max)
     * @throws UnsupportedOperationException where not available ({@link #isAvailable()})
     */
    public static Pty open() throws IOException {
        if (!isAvailable()) {
            throw new UnsupportedOperationException("pseudo-terminals are available on Linux only for now, not on "
                    + io.jselectors.internal.os.Platform.describe() + ": check isAvailable() first");
        }
        int flags = PtySys.O_RDWR | PtySys.O_NOCTTY | PtySys.O_NONBLOCK | PtySys.O_CLOEXEC;
        int m;
        try {
            m = PtySys.openMaster(flags);
        } catch (ErrnoException e) {
            throw FdResource.withFdHint(e);
        }
        int s = -1;
        try {
            String name = PtySys.ptsname(m);
            s = PtySys.open(name, flags);
            PtySys.makeRaw(s);
            return new Pty(NativeStream.adopt(m), NativeStream.adopt(s), name);
        } catch (IOException | RuntimeException e) {
            if (s >= 0) {
                Unistd.close(s);
            }
            Unistd.close(m);
            if (e instanceof ErrnoException ee) {
                throw FdResource.withFdHint(ee);
            }
            throw e;
        }
    }

    /**
     * Returns the master end: what a terminal emulator, or the far end of a serial line, holds.
     *
     * @return the master
     */
    public NativeStream master() {
        return master;
    }

    /**
     * Returns the slave end: the terminal, what a program or a serial device driver holds.
     *
     * @return the slave
     */
    public NativeStream slave() {
        return slave;
    }

    /**
     * Returns the slave's path.
     *
     * @return e.g. {@code /dev/pts/3}
     */
    public String name() {
        return name;
    }

    /**
     * Closes both ends (each may also be closed alone).
     *
     * @throws IOException if a close fails (both are attempted)
     */
    @Override
    public void close() throws IOException {
        try {
            slave.close();
        } finally {
            master.close();
        }
    }

    @Override
    public String toString() {
        return "Pty[" + name + ", master=" + master.fileno() + ", slave=" + slave.fileno() + "]";
    }
}
