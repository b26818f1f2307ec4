package io.jselectors;

import java.io.IOException;

/**
 * An operating-system call failed. The message names the call, the fd where there is one, and the
 * errno symbol with its description, e.g. {@code "epoll_ctl(ADD, fd=7): EBADF (Bad file descriptor)"}.
 */
public class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int errno;
    private final String errnoName;

    /**
     * Creates the exception for a failed call.
     *
     * @param call        the call and its arguments as they should read in the message,
     *                    e.g. {@code "epoll_ctl(ADD, fd=7)"}
     * @param errno       the errno value the call left
     * @param errnoName   the errno symbol, e.g. {@code "EBADF"}
     * @param description the system's description of the errno, e.g. {@code "Bad file descriptor"}
     */
    public ErrnoException(String call, int errno, String errnoName, String description) {
        super(call + ": " + errnoName + " (" + description + ")");
        this.errno = errno;
        this.errnoName = errnoName;
    }

    /**
     * Returns the errno value.
     *
     * @return the errno value, e.g. 9 for EBADF on Linux
     */
    public int errno() {
        return errno;
    }

    /**
     * Returns the errno symbol.
     *
     * @return the errno symbol, e.g. {@code "EBADF"}
     */
    public String errnoName() {
        return errnoName;
    }
}
