package io.jselectors.net;

import java.nio.channels.ClosedChannelException;

/** A {@link ClosedChannelException} that says which operation found what closed. */
final class SocketClosedException extends ClosedChannelException {
    private static final long serialVersionUID = 1L;

    private final String message;

    SocketClosedException(String operation, String what) {
        this.message = operation + ": the " + what + " is closed";
    }

    @Override
    public String getMessage() {
        return message;
    }
}
