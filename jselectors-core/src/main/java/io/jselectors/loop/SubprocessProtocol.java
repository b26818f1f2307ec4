package io.jselectors.loop;

import java.lang.foreign.MemorySegment;

/**
 * Your code for a child process started by {@link EventLoop#subprocessExec} (asyncio's
 * {@code SubprocessProtocol}). Every method runs on the loop thread; all are no-ops by default. What a method
 * throws goes to the loop's exception handler; {@code pipeDataReceived}, {@code pauseWriting} and
 * {@code resumeWriting} throwing also end that pipe, as a {@link Protocol} method ends its connection.
 */
public interface SubprocessProtocol {
    /**
     * The process has started; its pipes are served from the next round on.
     *
     * @param process the process
     */
    default void connectionMade(Subprocess process) {}

    /**
     * Bytes from the child's stdout (fd 1) or stderr (fd 2). The segment is valid only during the call.
     *
     * @param fd   1 or 2
     * @param data the bytes
     */
    default void pipeDataReceived(int fd, MemorySegment data) {}

    /**
     * A pipe closed: for 1 and 2 at the child's end of output (cause null) or on an error; for 0 when
     * {@code stdin()} was closed (null) or a write failed (an {@link io.jselectors.ErrnoException}, EPIPE when the
     * child no longer reads). After the loop's close the cause says so.
     *
     * @param fd    0, 1 or 2
     * @param cause null for an orderly close, else why
     */
    default void pipeConnectionLost(int fd, Throwable cause) {}

    /**
     * The child exited and was reaped. Its stdout and stderr may still hold bytes: they arrive until
     * {@link #pipeConnectionLost} for 1 and 2.
     *
     * @param status the exit code (0-255), or minus the signal that ended it
     */
    default void processExited(int status) {}

    /** The child's stdin pipe holds more unsent bytes than its high-water mark: stop writing. */
    default void pauseWriting() {}

    /** The child's stdin pipe drained to its low-water mark: writing may go on. */
    default void resumeWriting() {}
}
