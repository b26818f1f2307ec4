package io.jselectors;

/**
 * One ready file, as returned by {@link Selector#select()}.
 *
 * @param key    the file's key
 * @param events the ready subset of {@code key.events()}; never zero
 */
public record ReadyEvent(SelectorKey key, int events) {}
