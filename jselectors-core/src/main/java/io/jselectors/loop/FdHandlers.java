package io.jselectors.loop;

import io.jselectors.Selector;

/**
 * The attachment of every key the loop registers: the reader and writer callbacks of one file. A
 * file is registered while it has at least one of them.
 */
final class FdHandlers {
    Runnable reader;
    Runnable writer;

    int events() {
        return (reader != null ? Selector.EVENT_READ : 0) | (writer != null ? Selector.EVENT_WRITE : 0);
    }
}
