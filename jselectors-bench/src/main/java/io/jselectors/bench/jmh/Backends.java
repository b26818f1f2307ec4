package io.jselectors.bench.jmh;

import io.jselectors.EpollSelector;
import io.jselectors.KqueueSelector;
import io.jselectors.PollSelector;
import io.jselectors.SelectSelector;
import io.jselectors.Selector;
import java.io.IOException;

/** Opens one of our backends by name, for the benchmarks' {@code backend} parameter. */
final class Backends {
    private Backends() {}

    static Selector open(String backend) throws IOException {
        return switch (backend) {
            case "epoll" -> EpollSelector.open();
            case "kqueue" -> KqueueSelector.open(); // says how to name a kqueue library where there is none
            case "poll" -> PollSelector.open();
            case "select" -> SelectSelector.open();
            default -> throw new IllegalArgumentException("unknown backend " + backend + " (epoll, kqueue, poll, select)");
        };
    }
}
