package io.jselectors.loop;

/**
 * Receives what a callback threw, on the loop thread, after which the loop goes on. The default logs
 * it through {@link System.Logger} ({@code io.jselectors.loop}, level WARNING).
 *
 * @see EventLoop#setExceptionHandler(LoopExceptionHandler)
 */
@FunctionalInterface
public interface LoopExceptionHandler {
    /**
     * Handles an exception a callback threw. If this method itself throws, that is logged and ignored.
     *
     * @param context what was running, e.g. {@code "timer callback"} or {@code "dataReceived of ..."}
     * @param error   what it threw
     */
    void handle(String context, Throwable error);
}
