package io.jselectors.echo;

import io.jselectors.EpollSelector;
import io.jselectors.KqueueSelector;
import io.jselectors.PollSelector;
import io.jselectors.SelectSelector;
import io.jselectors.Selector;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** The selector backends the server can run on, by the name {@code --backend} takes. */
final class Backends {
    /** Opens one selector of a backend. */
    @FunctionalInterface
    interface Opener {
        Selector open() throws IOException;
    }

    private record Backend(BooleanSupplier available, Opener opener) {}

    private static final Map<String, Backend> ALL = new LinkedHashMap<>();

    static {
        ALL.put("epoll", new Backend(EpollSelector::isAvailable, EpollSelector::open));
        ALL.put("kqueue", new Backend(KqueueSelector::isAvailable, KqueueSelector::open));
        ALL.put("poll", new Backend(PollSelector::isAvailable, PollSelector::open));
        ALL.put("select", new Backend(SelectSelector::isAvailable, SelectSelector::open));
    }

    private Backends() {}

    /** The names of the backends this platform offers, best first. */
    static List<String> available() {
        List<String> names = new ArrayList<>();
        ALL.forEach((name, b) -> {
            if (b.available().getAsBoolean()) {
                names.add(name);
            }
        });
        return names;
    }

    /**
     * The opener for a backend name, or for {@link Selector#open()}'s choice when name is null.
     *
     * @throws UserError if the name is unknown or the backend is missing on this platform
     */
    static Opener forName(String name) throws UserError {
        if (name == null) {
            return Selector::open;
        }
        Backend b = ALL.get(name.toLowerCase(Locale.ROOT));
        if (b == null) {
            throw new UserError("unknown backend '" + name + "': choose one of " + String.join(", ", available()));
        }
        if (!b.available().getAsBoolean() && b.opener() == ALL.get("kqueue").opener()) {
            throw new UserError("backend 'kqueue' is not available on " + System.getProperty("os.name")
                    + ": kqueue is macOS's and FreeBSD's; to run on a user-space kqueue such as libkqueue, name its"
                    + " shared library with -D" + KqueueSelector.LIBRARY_PROPERTY + "=PATH or the environment variable "
                    + KqueueSelector.LIBRARY_ENV + "; or choose one of " + String.join(", ", available()));
        }
        if (!b.available().getAsBoolean()) {
            throw new UserError("backend '" + name + "' is not available on " + System.getProperty("os.name")
                    + ": choose one of " + String.join(", ", available()));
        }
        return b.opener();
    }
}
