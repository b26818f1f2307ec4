package io.jselectors;

import java.io.IOException;

/**
 * An operating-system call failed. The message names the call, the fd where there is one, and the
 * errno symbol with its description, e.g. {@code "epoll_ctl(ADD, fd=7): EBADF (Bad file descriptor)"}.
 */
public class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The call and its arguments, as in the message. */
    private final String call;
    /** The errno value. */
    private final int errno;
    /** The errno symbol. */
    private final String errnoName;
    /** The system's description of the errno, with any hint appended. */
    private final String description;

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
        this.call = call;
        this.errno = errno;
        this.errnoName = errnoName;
        this.description = description;
    }

    /**
     * Returns this error with advice appended to its message: what the user can do about it. The errno,
     * its symbol and the call stay the same; this exception becomes the cause.
     *
     * @param hint what to do, e.g. {@code "raise fs.inotify.max_user_watches"}
     * @return a new exception, e.g. {@code "inotify_add_watch(...): ENOSPC (No space left on device; raise ...)"}
     */
    public ErrnoException withHint(String hint) {
        ErrnoException r = new ErrnoException(call, errno, errnoName, description + "; " + hint);
        r.initCause(this);
        return r;
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
