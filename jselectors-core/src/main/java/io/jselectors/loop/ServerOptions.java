package io.jselectors.loop;

import io.jselectors.net.ListenOptions;
import io.jselectors.net.SocketOptions;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Server} listens and accepts.
 *
 * @param listen           backlog and address-reuse options of the listening socket
 * @param acceptsPerRound  the most connections accepted per loop round, so a connection storm cannot
 *                         starve the connections already open; {@code >= 1}
 * @param acceptRetryDelay how long to stop accepting when the process or system is out of descriptors
 *                         (EMFILE, ENFILE) or memory; the pending connections wait in the backlog
 * @param connections      options set on every accepted connection before its protocol is made
 *                         (TCP ones skipped on Unix sockets); a connection whose options cannot be set
 *                         is closed and the error reported to the loop's exception handler. The
 *                         default turns Nagle's algorithm off (TCP_NODELAY, as asyncio does). A receive
 *                         buffer size set here comes after the handshake, whose window scale the
 *                         listening socket's buffer decided: the kernel may not use all of a larger one
 */
public record ServerOptions(ListenOptions listen, int acceptsPerRound, Duration acceptRetryDelay,
        SocketOptions connections) {
    /** Net's listen defaults, 128 accepts per round, a 100 ms pause when out of descriptors, TCP_NODELAY on. */
    public static final ServerOptions DEFAULTS = new ServerOptions(ListenOptions.DEFAULTS, 128, Duration.ofMillis(100),
            SocketOptions.NONE.withTcpNoDelay(true));

    /** Checks the values. */
    public ServerOptions {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(acceptRetryDelay, "acceptRetryDelay");
        Objects.requireNonNull(connections, "connections (use SocketOptions.NONE for the OS's)");
        if (acceptsPerRound < 1) {
            throw new IllegalArgumentException("acceptsPerRound must be >= 1, got " + acceptsPerRound);
        }
        if (acceptRetryDelay.isNegative() || acceptRetryDelay.isZero()) {
            throw new IllegalArgumentException(
                    "acceptRetryDelay must be positive (a zero pause would spin the loop), got " + acceptRetryDelay);
        }
    }

    /**
     * Returns a copy with other listen options.
     *
     * @param listen the new listen options
     * @return a copy with these listen options
     */
    public ServerOptions withListen(ListenOptions listen) {
        return new ServerOptions(listen, acceptsPerRound, acceptRetryDelay, connections);
    }

    /**
     * Returns a copy with another listen backlog.
     *
     * @param backlog the listen backlog
     * @return a copy with this backlog
     */
    public ServerOptions withBacklog(int backlog) {
        return withListen(listen.withBacklog(backlog));
    }

    /**
     * Returns a copy with another limit of accepts per loop round.
     *
     * @param n the most accepts per round
     * @return a copy with this limit
     */
    public ServerOptions withAcceptsPerRound(int n) {
        return new ServerOptions(listen, n, acceptRetryDelay, connections);
    }

    /**
     * Returns a copy with another pause after running out of descriptors.
     *
     * @param delay the pause when out of descriptors
     * @return a copy with this pause
     */
    public ServerOptions withAcceptRetryDelay(Duration delay) {
        return new ServerOptions(listen, acceptsPerRound, delay, connections);
    }

    /**
     * Returns a copy with {@code TCP_NODELAY} on or off for accepted connections.
     *
     * @param on whether accepted TCP connections get TCP_NODELAY
     * @return a copy with this setting
     */
    public ServerOptions withTcpNoDelay(boolean on) {
        return withConnectionOptions(connections.withTcpNoDelay(on));
    }

    /**
     * Returns a copy with other options for accepted connections, e.g.
     * {@code DEFAULTS.withConnectionOptions(DEFAULTS.connections().withKeepAlive(true))}.
     *
     * @param connections the options every accepted connection gets
     * @return a copy with these options
     */
    public ServerOptions withConnectionOptions(SocketOptions connections) {
        return new ServerOptions(listen, acceptsPerRound, acceptRetryDelay, connections);
    }
}
