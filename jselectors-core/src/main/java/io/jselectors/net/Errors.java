package io.jselectors.net;

import io.jselectors.ErrnoException;
import io.jselectors.internal.os.Errno;
import io.jselectors.internal.os.Sockets;

/** Builds the exceptions for errors a user can cause, with what to do about them. */
final class Errors {
    private Errors() {}

    /**
     * @param call  the call with its arguments, e.g. {@code "bind(127.0.0.1:80, fd=7)"}
     * @param errno the errno
     * @param unix  whether the address is a Unix socket path
     * @return the exception, the system's description followed by a hint where we have one
     */
    static ErrnoException of(String call, int errno, boolean unix) {
        String hint = hint(errno, unix);
        String desc = Errno.description(errno);
        return new ErrnoException(call, errno, Errno.name(errno), hint == null ? desc : desc + "; " + hint);
    }

    /**
     * Adds the hint to an exception from the OS layer, keeping its errno.
     *
     * @param e    the exception
     * @param unix whether a Unix socket path is involved
     * @return {@code e} itself when there is no hint, else a new exception with the same errno
     */
    static ErrnoException withHint(ErrnoException e, boolean unix) {
        String hint = hint(e.errno(), unix);
        if (hint == null) {
            return e;
        }
        String msg = e.getMessage();
        String call = msg.substring(0, Math.max(0, msg.indexOf(": " + e.errnoName())));
        ErrnoException r = new ErrnoException(call, e.errno(), e.errnoName(), Errno.description(e.errno()) + "; " + hint);
        r.initCause(e);
        return r;
    }

    private static String hint(int errno, boolean unix) {
        if (errno == Sockets.EADDRINUSE) {
            return unix
                    ? "a file already exists at that path (a stale socket file?): delete it or choose another path"
                    : "another socket is bound to that address and port: choose another port, or 0 for any free one";
        }
        if (errno == Sockets.ECONNREFUSED) {
            return "nothing is listening at that address";
        }
        if (errno == Errno.ENOENT && unix) {
            return "no socket file at that path: is the server running?";
        }
        if (errno == Errno.EAGAIN && unix) {
            return "the listener's backlog is full: retry later";
        }
        if (errno == Errno.EACCES) {
            return unix ? "no permission on that path" : "ports below 1024 need privileges: use a higher port";
        }
        if (errno == Sockets.EADDRNOTAVAIL) {
            return "that address is not one of this machine's (or no local port is free)";
        }
        if (errno == Errno.EMFILE) {
            return "this process has too many open files: close some, or raise RLIMIT_NOFILE (ulimit -n)";
        }
        if (errno == Errno.ENFILE) {
            return "the system has too many open files: close some";
        }
        return null;
    }
}
