package io.jselectors.net;

import io.jselectors.internal.os.Platform;
import io.jselectors.internal.os.Sockets;
import java.io.IOException;
import java.time.Duration;

/**
 * Per-connection socket options, all in one immutable value: start from {@link #NONE} (every option as
 * the OS sets it) and ask for what you need, e.g.
 * {@code SocketOptions.NONE.withTcpNoDelay(true).withKeepAlive(Duration.ofSeconds(60), Duration.ofSeconds(10), 5)}.
 * A {@code null} component means "leave it as the OS sets it". Apply with
 * {@link StreamSocket#setOptions(SocketOptions)}; read what the kernel uses with {@link StreamSocket#options()}.
 *
 * <p>The TCP options ({@code tcpNoDelay}, {@code keepAlive} and its idle time, interval and count) do not
 * apply to Unix sockets: {@code setOptions} skips them there, and {@code options()} reports them as
 * {@code null}. The buffer sizes apply to both.
 *
 * <p>Keep-alive timing has each platform's own name and unit (all in seconds): idle time
 * {@code TCP_KEEPIDLE} (Linux, FreeBSD) or {@code TCP_KEEPALIVE} (macOS), interval {@code TCP_KEEPINTVL},
 * count {@code TCP_KEEPCNT}. On a platform whose table lacks one, setting it throws
 * {@link UnsupportedOperationException} naming the option and the platform (reading it gives
 * {@code null}). Linux accepts 1 to 32767 s for the times and 1 to 127 probes; beyond that the kernel
 * says EINVAL. Linux also doubles a buffer size for its bookkeeping and caps it by
 * {@code net.core.wmem_max}/{@code rmem_max}: read back twice what was asked, or less.
 *
 * @param tcpNoDelay        {@code TCP_NODELAY}: send small writes at once (Nagle's algorithm off)
 * @param keepAlive         {@code SO_KEEPALIVE}: probe a connection that has been idle
 * @param keepAliveIdle     how long a connection is idle before the first probe; whole seconds, &ge; 1 s
 * @param keepAliveInterval time between unanswered probes; whole seconds, &ge; 1 s
 * @param keepAliveCount    unanswered probes before the connection is dropped (then reads fail with
 *                          ETIMEDOUT); &ge; 1
 * @param sendBufferSize    {@code SO_SNDBUF} in bytes, &gt; 0
 * @param receiveBufferSize {@code SO_RCVBUF} in bytes, &gt; 0
 */
public record SocketOptions(Boolean tcpNoDelay, Boolean keepAlive, Duration keepAliveIdle, Duration keepAliveInterval,
        Integer keepAliveCount, Integer sendBufferSize, Integer receiveBufferSize) {
    /** Every option as the OS sets it: applying it changes nothing. */
    public static final SocketOptions NONE = new SocketOptions(null, null, null, null, null, null, null);

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException for a time that is not a whole number of seconds &ge; 1 (the
     *                                  kernels count seconds), a count &lt; 1 or a buffer size &le; 0
     */
    public SocketOptions {
        seconds("keepAliveIdle", keepAliveIdle);
        seconds("keepAliveInterval", keepAliveInterval);
        if (keepAliveCount != null && keepAliveCount < 1) {
            throw new IllegalArgumentException("keepAliveCount must be >= 1, got " + keepAliveCount);
        }
        positive("sendBufferSize", sendBufferSize);
        positive("receiveBufferSize", receiveBufferSize);
    }

    /**
     * Returns a copy with {@code TCP_NODELAY} set.
     *
     * @param on true to send small writes at once
     * @return a copy with this setting
     */
    public SocketOptions withTcpNoDelay(boolean on) {
        return new SocketOptions(on, keepAlive, keepAliveIdle, keepAliveInterval, keepAliveCount, sendBufferSize,
                receiveBufferSize);
    }

    /**
     * Returns a copy with {@code SO_KEEPALIVE} on or off, keeping the OS's timing.
     *
     * @param on true to probe idle connections
     * @return a copy with this setting
     */
    public SocketOptions withKeepAlive(boolean on) {
        return new SocketOptions(tcpNoDelay, on, keepAliveIdle, keepAliveInterval, keepAliveCount, sendBufferSize,
                receiveBufferSize);
    }

    /**
     * Returns a copy with {@code SO_KEEPALIVE} on and its timing set: a peer that has gone silently is
     * noticed after about {@code idle + interval * count}.
     *
     * @param idle     idle time before the first probe, whole seconds
     * @param interval time between probes, whole seconds
     * @param count    unanswered probes before the connection is dropped
     * @return a copy with these settings
     */
    public SocketOptions withKeepAlive(Duration idle, Duration interval, int count) {
        return new SocketOptions(tcpNoDelay, true, idle, interval, count, sendBufferSize, receiveBufferSize);
    }

    /**
     * Returns a copy with another {@code SO_SNDBUF}.
     *
     * @param bytes the size asked for, &gt; 0
     * @return a copy with this size
     */
    public SocketOptions withSendBufferSize(int bytes) {
        return new SocketOptions(tcpNoDelay, keepAlive, keepAliveIdle, keepAliveInterval, keepAliveCount, bytes,
                receiveBufferSize);
    }

    /**
     * Returns a copy with another {@code SO_RCVBUF}.
     *
     * @param bytes the size asked for, &gt; 0
     * @return a copy with this size
     */
    public SocketOptions withReceiveBufferSize(int bytes) {
        return new SocketOptions(tcpNoDelay, keepAlive, keepAliveIdle, keepAliveInterval, keepAliveCount,
                sendBufferSize, bytes);
    }

    /** Sets every non-null option on a socket (TCP ones only on TCP sockets), each setsockopt checked. */
    void applyTo(StreamSocket s) throws IOException {
        if (sendBufferSize != null) {
            s.setInt(Sockets.SOL_SOCKET, Sockets.SO_SNDBUF, sendBufferSize, "SO_SNDBUF");
        }
        if (receiveBufferSize != null) {
            s.setInt(Sockets.SOL_SOCKET, Sockets.SO_RCVBUF, receiveBufferSize, "SO_RCVBUF");
        }
        if (s.isUnix()) {
            return;
        }
        if (tcpNoDelay != null) {
            s.setInt(Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY, tcpNoDelay ? 1 : 0, "TCP_NODELAY");
        }
        if (keepAlive != null) {
            s.setInt(Sockets.SOL_SOCKET, Sockets.SO_KEEPALIVE, keepAlive ? 1 : 0, "SO_KEEPALIVE");
        }
        if (keepAliveIdle != null) {
            s.setInt(Sockets.IPPROTO_TCP, supported(Sockets.TCP_KEEPIDLE, Sockets.TCP_KEEPIDLE_NAME),
                    (int) keepAliveIdle.getSeconds(), Sockets.TCP_KEEPIDLE_NAME);
        }
        if (keepAliveInterval != null) {
            s.setInt(Sockets.IPPROTO_TCP, supported(Sockets.TCP_KEEPINTVL, "TCP_KEEPINTVL"),
                    (int) keepAliveInterval.getSeconds(), "TCP_KEEPINTVL");
        }
        if (keepAliveCount != null) {
            s.setInt(Sockets.IPPROTO_TCP, supported(Sockets.TCP_KEEPCNT, "TCP_KEEPCNT"), keepAliveCount, "TCP_KEEPCNT");
        }
    }

    /** Reads every option the socket has (TCP ones null on a Unix socket, timing null where the platform lacks it). */
    static SocketOptions readFrom(StreamSocket s) throws IOException {
        Integer snd = s.getInt(Sockets.SOL_SOCKET, Sockets.SO_SNDBUF, "SO_SNDBUF");
        Integer rcv = s.getInt(Sockets.SOL_SOCKET, Sockets.SO_RCVBUF, "SO_RCVBUF");
        if (s.isUnix()) {
            return new SocketOptions(null, null, null, null, null, snd, rcv);
        }
        boolean noDelay = s.getInt(Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY, "TCP_NODELAY") != 0;
        boolean keep = s.getInt(Sockets.SOL_SOCKET, Sockets.SO_KEEPALIVE, "SO_KEEPALIVE") != 0;
        Duration idle = Sockets.TCP_KEEPIDLE < 0 ? null
                : Duration.ofSeconds(s.getInt(Sockets.IPPROTO_TCP, Sockets.TCP_KEEPIDLE, Sockets.TCP_KEEPIDLE_NAME));
        Duration interval = Sockets.TCP_KEEPINTVL < 0 ? null
                : Duration.ofSeconds(s.getInt(Sockets.IPPROTO_TCP, Sockets.TCP_KEEPINTVL, "TCP_KEEPINTVL"));
        Integer count = Sockets.TCP_KEEPCNT < 0 ? null : s.getInt(Sockets.IPPROTO_TCP, Sockets.TCP_KEEPCNT, "TCP_KEEPCNT");
        return new SocketOptions(noDelay, keep, idle, interval, count, snd, rcv);
    }

    /** @return the option's number, or throws naming it and the platform when the platform lacks it */
    static int supported(int option, String name) {
        if (option < 0) {
            throw new UnsupportedOperationException(
                    name + " (keep-alive timing) is not available on " + Platform.describe()
                            + "; leave it null to keep the system's setting");
        }
        return option;
    }

    private static void seconds(String name, Duration d) {
        if (d != null && (d.getNano() != 0 || d.getSeconds() < 1 || d.getSeconds() > Integer.MAX_VALUE)) {
            throw new IllegalArgumentException(
                    name + " must be a whole number of seconds >= 1 (the kernels count seconds), got " + d);
        }
    }

    private static void positive(String name, Integer bytes) {
        if (bytes != null && bytes <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + bytes);
        }
    }
}
