package io.jselectors;

/**
 * Receives ready files from {@link Selector#select(java.time.Duration, ReadyHandler)} without any
 * allocation per event.
 */
@FunctionalInterface
public interface ReadyHandler {
    /**
     * Called once per ready file during a select.
     *
     * @param key    the file's key
     * @param events the ready subset of {@code key.events()}; never zero
     */
    void ready(SelectorKey key, int events);
}
