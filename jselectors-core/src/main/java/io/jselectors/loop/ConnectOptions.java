package io.jselectors.loop;

import io.jselectors.net.SocketOptions;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link EventLoop#connect(String, int, Protocol, ConnectOptions)} connects.
 *
 * @param timeout how long the whole connect may take, name resolution and every address tried included;
 *                then the future fails with a {@link java.net.SocketTimeoutException} naming the addresses
 *                tried so far. {@code null}: no limit of ours, only the OS's (on Linux about 2 minutes per
 *                address that never answers, with the default {@code net.ipv4.tcp_syn_retries} of 6)
 * @param socket  options set on the socket before it connects, e.g. keep-alive or buffer sizes (TCP ones
 *                are skipped for a Unix address)
 */
public record ConnectOptions(Duration timeout, SocketOptions socket) {
    /** The default timeout: 30 s, as Netty's connect timeout; an unanswered SYN waits far longer on every OS. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** A 30 s timeout, and TCP_NODELAY on (as on accepted connections); every other option as the OS sets it. */
    public static final ConnectOptions DEFAULTS = new ConnectOptions(DEFAULT_TIMEOUT, SocketOptions.NONE.withTcpNoDelay(true));

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if the timeout is zero or negative
     */
    public ConnectOptions {
        Objects.requireNonNull(socket, "socket options (use SocketOptions.NONE for the OS's)");
        if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
            throw new IllegalArgumentException("the connect timeout must be positive (or null for the OS's), got " + timeout);
        }
    }

    /**
     * Returns a copy with another timeout.
     *
     * @param timeout the new timeout, or null for the OS's
     * @return a copy with this timeout
     */
    public ConnectOptions withTimeout(Duration timeout) {
        return new ConnectOptions(timeout, socket);
    }

    /**
     * Returns a copy with other socket options.
     *
     * @param socket the options for the new connection's socket
     * @return a copy with these options
     */
    public ConnectOptions withSocketOptions(SocketOptions socket) {
        return new ConnectOptions(timeout, socket);
    }
}
