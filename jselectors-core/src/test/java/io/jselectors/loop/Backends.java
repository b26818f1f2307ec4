package io.jselectors.loop;

import io.jselectors.EpollSelector;
import io.jselectors.KqueueAvailability;
import io.jselectors.KqueueSelector;
import io.jselectors.PollSelector;
import io.jselectors.SelectSelector;
import io.jselectors.Selector;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The selector backends of this platform, by name, for parameterized loop tests. */
final class Backends {
    private Backends() {}

    /**
     * @return the names of the backends this machine has, and "kqueue" always: a kqueue test where
     *         there is none (on Linux without {@code -Djselectors.kqueue.library}) is skipped by
     *         {@link #open}, with the reason printed
     */
    static List<String> names() {
        KqueueAvailability.warmUp(); // before any test counts descriptors: libkqueue keeps two of its own
        List<String> names = new ArrayList<>();
        if (EpollSelector.isAvailable()) {
            names.add("epoll");
        }
        names.add("kqueue");
        if (PollSelector.isAvailable()) {
            names.add("poll");
        }
        if (SelectSelector.isAvailable()) {
            names.add("select");
        }
        return names;
    }

    /**
     * Whether the backend is kqueue through libkqueue, which reads a socket's pending error
     * ({@code getsockopt(SO_ERROR)}, which clears it) to report an EPOLLERR as EV_EOF: the error is
     * then gone for the program (BSD reports it in fflags and leaves it pending). Tests that look for
     * such an error tolerate its absence there, saying so.
     */
    static boolean consumesSocketErrors(String name) {
        return name.equals("kqueue") && KqueueAvailability.available() && KqueueAvailability.isUserSpaceLibrary();
    }

    static Selector open(String name) throws IOException {
        return switch (name) {
            case "epoll" -> EpollSelector.open();
            case "kqueue" -> {
                KqueueAvailability.assumeAvailable();
                yield KqueueSelector.open();
            }
            case "poll" -> PollSelector.open();
            case "select" -> SelectSelector.open();
            default -> throw new IllegalArgumentException(name);
        };
    }

    static EventLoop loop(String name) throws IOException {
        return EventLoop.open(() -> open(name));
    }
}
