package io.jselectors.echo;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The server's settings, validated.
 *
 * @param address        where to listen (port 0: a free port)
 * @param loops          event loops, one thread each
 * @param reusePort      one SO_REUSEPORT listening socket per loop instead of one shared by all
 * @param backend        the selector backend's name, or null for {@code Selector.open()}'s choice
 * @param opener         opens one selector of that backend
 * @param maxConnections connections served at once; 0 for no limit but the fd limit
 * @param idleTimeout    a connection silent that long is closed; zero for never
 * @param maxBuffer      unsent bytes per connection above which reading from it pauses
 * @param statsInterval  how often to print the stats line; zero for never
 * @param grace          how long a graceful stop waits for the echoes in flight
 */
record EchoConfig(
        InetSocketAddress address,
        int loops,
        boolean reusePort,
        String backend,
        Backends.Opener opener,
        int maxConnections,
        Duration idleTimeout,
        long maxBuffer,
        Duration statsInterval,
        Duration grace) {}
