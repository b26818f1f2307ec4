package io.jselectors.net;

import io.jselectors.internal.os.Fcntl;
import io.jselectors.internal.os.Pty;
import io.jselectors.internal.os.Unistd;
import java.io.Closeable;
import java.io.IOException;

/**
 * A pseudo-terminal: a {@link #controller()} side, which a terminal emulator or an {@code expect}-style
 * program holds, and a {@link #terminal()} side, the tty a program reads its keyboard from and writes its
 * screen to. What is written to one side comes out of the other, through the terminal's line discipline
 * (in its default mode, a {@code "\n"} written to the terminal reads {@code "\r\n"} at the controller, and
 * what the controller writes is echoed back to it).
 *
 * <p>Both sides are non-blocking {@link NativeStream}s: use them with a {@link io.jselectors.Selector}, or
 * in blocking style from any thread, virtual threads included ({@link NativeStream#inputStream()}).
 * Opened with {@code posix_openpt}, {@code grantpt}, {@code unlockpt} and {@code ptsname_r}; on Linux (the
 * only platform this has run on: elsewhere {@link #isAvailable()} is false).
 */
public final class PseudoTerminal implements Closeable {
    private final NativeStream controller;
    private final NativeStream terminal;
    private final String name;

    private PseudoTerminal(NativeStream controller, NativeStream terminal, String name) {
        this.controller = controller;
        this.terminal = terminal;
        this.name = name;
    }

    /**
     * Tells whether pseudo-terminals can be opened here.
     *
     * @return true on Linux with a C library that has {@code posix_openpt} and {@code ptsname_r}
     */
    public static boolean isAvailable() {
        return Pty.isAvailable();
    }

    /**
     * Opens a new pseudo-terminal; neither side becomes this process's controlling terminal.
     *
     * @return the pseudo-terminal; close it when done
     * @throws UnsupportedOperationException if {@link #isAvailable()} is false
     * @throws io.jselectors.ErrnoException  on failure (EMFILE, EAGAIN when the system is out of
     *                                       pseudo-terminals, ...); nothing stays open
     */
    public static PseudoTerminal open() throws IOException {
        if (!Pty.isAvailable()) {
            throw new UnsupportedOperationException("pseudo-terminals are not supported on this platform");
        }
        int flags = Pty.O_RDWR | Pty.O_NOCTTY | Unistd.O_CLOEXEC;
        int ctl = Pty.openpt(flags);
        try {
            Pty.grantpt(ctl);
            Pty.unlockpt(ctl);
            String name = Pty.ptsname(ctl);
            int tty = Pty.open(name, flags | Unistd.O_NONBLOCK);
            Fcntl.setNonBlocking(ctl, true);
            return new PseudoTerminal(new NativeStream(ctl, false), new NativeStream(tty, false), name);
        } catch (IOException | RuntimeException e) {
            StreamSocket.closeQuietly(ctl);
            throw e;
        }
    }

    /**
     * Returns the controlling side (the "master").
     *
     * @return the controlling side
     */
    public NativeStream controller() {
        return controller;
    }

    /**
     * Returns the terminal side (the "slave"), the tty a program would use.
     *
     * @return the terminal side
     */
    public NativeStream terminal() {
        return terminal;
    }

    /**
     * Returns the terminal device's path.
     *
     * @return e.g. {@code /dev/pts/4}
     */
    public String name() {
        return name;
    }

    /**
     * Closes both sides (each may also be closed alone).
     *
     * @throws IOException if a close fails (both are attempted)
     */
    @Override
    public void close() throws IOException {
        try {
            terminal.close();
        } finally {
            controller.close();
        }
    }

    @Override
    public String toString() {
        return "PseudoTerminal[" + name + ", controller=" + controller.fileno() + ", terminal=" + terminal.fileno() + "]";
    }
}
