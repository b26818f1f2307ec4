package io.jselectors;

import java.nio.channels.SelectionKey;
import java.nio.channels.spi.AbstractSelectableChannel;
import java.nio.channels.spi.AbstractSelector;
import java.nio.channels.spi.SelectorProvider;
import java.util.Set;

/**
 * Makes {@link Thread#interrupt()} end a select, as it ends a JDK NIO select. The JDK calls back
 * into the I/O operation a thread is blocked in only through the protected {@code begin()}/{@code end()}
 * of {@link AbstractSelector} (and of interruptible channels); so this is an {@link AbstractSelector}
 * used for nothing but that hook: between {@link #enter()} and {@link #leave()}, an interrupt of the
 * selecting thread, platform or virtual, calls {@link Waker#wakeup()}, and an interrupt already set at
 * {@link #enter()} does so at once. Neither allocates. Every selector operation of the JDK type throws.
 */
final class InterruptWaker extends AbstractSelector {
    private final Waker waker;

    InterruptWaker(Waker waker) {
        super(SelectorProvider.provider());
        this.waker = waker;
        // Links the JDK's interrupt machinery now, not in the first select (it took ~100 ms there on a
        // loaded machine). An interrupt arriving in between costs one early wakeup, which is allowed.
        if (!Thread.currentThread().isInterrupted()) {
            begin();
            end();
        }
    }

    /** Selecting thread, before it may block: from now on an interrupt wakes the select. */
    void enter() {
        begin();
    }

    /** Selecting thread, after its last wait. */
    void leave() {
        end();
    }

    @Override
    public java.nio.channels.Selector wakeup() {
        waker.wakeup();
        return this;
    }

    @Override
    protected void implCloseSelector() {}

    @Override
    protected SelectionKey register(AbstractSelectableChannel ch, int ops, Object att) {
        throw notASelector();
    }

    @Override
    public Set<SelectionKey> keys() {
        throw notASelector();
    }

    @Override
    public Set<SelectionKey> selectedKeys() {
        throw notASelector();
    }

    @Override
    public int selectNow() {
        throw notASelector();
    }

    @Override
    public int select(long timeout) {
        throw notASelector();
    }

    @Override
    public int select() {
        throw notASelector();
    }

    private static UnsupportedOperationException notASelector() {
        return new UnsupportedOperationException("only the interrupt hook of a jselectors selector");
    }
}
