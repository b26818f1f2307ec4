package io.jselectors.loop;

import io.jselectors.EpollSelector;
import io.jselectors.PollSelector;
import io.jselectors.SelectSelector;
import io.jselectors.Selector;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The selector backends of this platform, by name, for parameterized loop tests. */
final class Backends {
    private Backends() {}

    /** @return the names of the backends this machine has */
    static List<String> names() {
        List<String> names = new ArrayList<>();
        if (EpollSelector.isAvailable()) {
            names.add("epoll");
        }
        if (PollSelector.isAvailable()) {
            names.add("poll");
        }
        if (SelectSelector.isAvailable()) {
            names.add("select");
        }
        return names;
    }

    static Selector open(String name) throws IOException {
        return switch (name) {
            case "epoll" -> EpollSelector.open();
            case "poll" -> PollSelector.open();
            case "select" -> SelectSelector.open();
            default -> throw new IllegalArgumentException(name);
        };
    }

    static EventLoop loop(String name) throws IOException {
        return EventLoop.open(() -> open(name));
    }
}
