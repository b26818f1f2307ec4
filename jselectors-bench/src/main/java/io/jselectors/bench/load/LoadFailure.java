package io.jselectors.bench.load;

/** The run is invalid: a byte came back wrong, a connection dropped, or the echo stalled. */
public final class LoadFailure extends Exception {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, naming the connection and the stream offset where there is one */
    public LoadFailure(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause   the I/O error behind it
     */
    public LoadFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
