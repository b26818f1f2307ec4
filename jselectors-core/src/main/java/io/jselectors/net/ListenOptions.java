package io.jselectors.net;

/**
 * Options for {@link ListeningSocket#bind(java.net.SocketAddress, ListenOptions)}. Immutable; start from
 * {@link #DEFAULTS} and change what you need: {@code ListenOptions.DEFAULTS.withBacklog(128)}.
 *
 * @param backlog      the queue length of connections not yet accepted, &gt; 0; Linux caps it by
 *                     {@code net.core.somaxconn}
 * @param reuseAddress {@code SO_REUSEADDR} (TCP only): bind a port that still has connections in TIME_WAIT,
 *                     so a restarted server gets its port back at once
 * @param reusePort    {@code SO_REUSEPORT} (TCP only): several sockets, each with this option, may bind the
 *                     same address and port; the kernel spreads incoming connections among them
 */
public record ListenOptions(int backlog, boolean reuseAddress, boolean reusePort) {
    /** Backlog 4096 (capped by the kernel), reuseAddress on, reusePort off. */
    public static final ListenOptions DEFAULTS = new ListenOptions(4096, true, false);

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if {@code backlog <= 0}
     */
    public ListenOptions {
        if (backlog <= 0) {
            throw new IllegalArgumentException("backlog must be positive, got " + backlog);
        }
    }

    /**
     * Returns a copy with another listen backlog.
     *
     * @param backlog the new backlog, &gt; 0
     * @return a copy with that backlog
     */
    public ListenOptions withBacklog(int backlog) {
        return new ListenOptions(backlog, reuseAddress, reusePort);
    }

    /**
     * Returns a copy with {@code SO_REUSEADDR} on or off.
     *
     * @param on the new {@code SO_REUSEADDR}
     * @return a copy with that setting
     */
    public ListenOptions withReuseAddress(boolean on) {
        return new ListenOptions(backlog, on, reusePort);
    }

    /**
     * Returns a copy with {@code SO_REUSEPORT} on or off.
     *
     * @param on the new {@code SO_REUSEPORT}
     * @return a copy with that setting
     */
    public ListenOptions withReusePort(boolean on) {
        return new ListenOptions(backlog, reuseAddress, on);
    }
}
