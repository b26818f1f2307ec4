package io.jselectors;

/**
 * What a {@link Selector} knows about one registered file. Immutable:
 * {@link Selector#modify(int, int, Object)} returns a new key.
 *
 * @param fileobj the {@code Integer} fd when the file was registered by number, else the
 *                {@link Selectable} instance itself
 * @param fd      the file descriptor number
 * @param events  the events of interest, a mask of {@link Selector#EVENT_READ} and {@link Selector#EVENT_WRITE}
 * @param data    the caller's attachment, may be {@code null}
 */
public record SelectorKey(Object fileobj, int fd, int events, Object data) {}
