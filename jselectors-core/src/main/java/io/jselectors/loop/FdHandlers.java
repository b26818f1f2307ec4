package io.jselectors.loop;

import io.jselectors.Selector;

/**
 * The attachment of every key the loop registers: the reader and writer callbacks of one file, and
 * what the selector watches for it now. A file is registered while it has at least one callback.
 * {@link LoopIo} alone changes {@link #registered}.
 */
final class FdHandlers {
    /** The file as registered: a {@link io.jselectors.Selectable}, or the Integer fd. */
    final Object file;
    /** Set by the loop's own transports, servers and connects: the user's addReader/addWriter may not touch it. */
    final boolean internal;
    Runnable reader;
    Runnable writer;
    /** The events the selector watches for this file now (0: not registered). */
    int registered;

    FdHandlers(Object file, boolean internal) {
        this.file = file;
        this.internal = internal;
    }

    int events() {
        return (reader != null ? Selector.EVENT_READ : 0) | (writer != null ? Selector.EVENT_WRITE : 0);
    }
}
