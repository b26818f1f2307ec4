package io.jselectors;

/**
 * Anything backed by an operating-system file descriptor: Python's "object with a {@code fileno()}".
 *
 * <p>Sockets, pipes and the other native handles of this library implement it; so can any class of
 * yours that owns a descriptor (an eventfd, a timerfd, an inotify instance, a serial port).
 */
public interface Selectable {
    /**
     * Returns the descriptor.
     *
     * @return the file descriptor, or -1 once the file is closed
     */
    int fileno();
}
