package io.jselectors;

import io.jselectors.internal.os.Platform;
import java.io.IOException;

/**
 * The kqueue backend of macOS and the BSDs. <b>Not implemented yet:</b> {@link #isAvailable()} is
 * false everywhere and {@link #open()} throws, so {@link Selector#open()} falls back to poll on
 * those systems until it is.
 */
public final class KqueueSelector extends BaseSelector {
    private KqueueSelector() throws IOException {
        super();
        throw unsupported();
    }

    /**
     * Always throws for now.
     *
     * @return never
     * @throws UnsupportedOperationException naming the backend and this platform
     * @throws IOException                   never yet; declared for the backend to come
     */
    public static KqueueSelector open() throws IOException {
        throw unsupported();
    }

    /**
     * Whether the kqueue backend can be used here.
     *
     * @return false: kqueue is not implemented yet
     */
    public static boolean isAvailable() {
        return false;
    }

    private static UnsupportedOperationException unsupported() {
        return new UnsupportedOperationException("the kqueue backend is not available on " + Platform.describe()
                + (Platform.isMac() || Platform.isBsd() ? " yet" : ": kqueue exists only on macOS and the BSDs")
                + "; use Selector.open()");
    }

    @Override
    public String backend() {
        return "kqueue";
    }

    @Override
    void osRegister(int fd, int events) {
        throw unsupported();
    }

    @Override
    void osModify(int fd, int oldEvents, int newEvents) {
        throw unsupported();
    }

    @Override
    void osUnregister(int fd, int events) {
        throw unsupported();
    }

    @Override
    int osWait(long timeoutNanos) {
        throw unsupported();
    }

    @Override
    int readyFd(int i) {
        throw unsupported();
    }

    @Override
    int readyEvents(int i) {
        throw unsupported();
    }

    @Override
    void osClose() {}
}
