package io.jselectors.echo;

/**
 * A problem the user can fix (a port in use, a bad host, an unknown backend): reported as one line on
 * stderr, without a stack trace, and a non-zero exit status.
 */
final class UserError extends Exception {
    private static final long serialVersionUID = 1L;

    UserError(String message) {
        super(message);
    }

    UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
