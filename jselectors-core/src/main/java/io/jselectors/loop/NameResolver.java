package io.jselectors.loop;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Host names to addresses, off the loop thread: asyncio's {@code getaddrinfo} in an executor. Lookups
 * go through the JDK's resolver ({@link InetAddress#getAllByName}, so the system's resolver, the JDK's
 * address cache and any installed {@code InetAddressResolverProvider} apply) on one executor for the
 * whole process: at most {@value #THREADS} daemon threads, each ending after {@value #IDLE_SECONDS} s
 * without work. Shared because a lookup blocks a thread whatever loop asked for it, and a pool per loop
 * would multiply idle threads by the loops; daemon and self-ending, so it needs no shutdown and never
 * keeps the JVM alive. Platform threads, not virtual ones: the system resolver blocks in native code,
 * where a virtual thread would hold its carrier thread for the whole lookup. A literal address ({@code "127.0.0.1"}, {@code "::1"})
 * is parsed at once, with no thread.
 */
final class NameResolver {
    static final int THREADS = 4;
    static final int IDLE_SECONDS = 10;

    /** Looks a host name up; the JDK's resolver, or a test's. */
    @FunctionalInterface
    interface Lookup {
        /**
         * @param host a host name
         * @return its addresses, in the resolver's order
         * @throws UnknownHostException when the name does not resolve
         */
        InetAddress[] lookup(String host) throws UnknownHostException;
    }

    static final Lookup SYSTEM = InetAddress::getAllByName;

    private static final ThreadPoolExecutor EXECUTOR = executor();

    private NameResolver() {}

    private static ThreadPoolExecutor executor() {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor e = new ThreadPoolExecutor(THREADS, THREADS, IDLE_SECONDS, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "jselectors-resolver-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        e.allowCoreThreadTimeOut(true);
        return e;
    }

    /** @return the literal's address, or null if host is a name to look up */
    static InetAddress literal(String host) {
        try {
            return InetAddress.ofLiteral(host);
        } catch (IllegalArgumentException notALiteral) {
            return null;
        }
    }

    /**
     * Resolves a host on the shared executor. The future completes on a resolver thread: with every
     * address (in the resolver's order) and the port, or with an {@link UnknownHostException} naming the host.
     */
    static CompletableFuture<List<InetSocketAddress>> resolve(String host, int port, Lookup lookup) {
        CompletableFuture<List<InetSocketAddress>> f = new CompletableFuture<>();
        EXECUTOR.execute(() -> {
            try {
                f.complete(withPort(lookup.lookup(host), host, port));
            } catch (UnknownHostException e) {
                f.completeExceptionally(named(e, host));
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    private static List<InetSocketAddress> withPort(InetAddress[] found, String host, int port)
            throws UnknownHostException {
        if (found == null || found.length == 0) {
            throw new UnknownHostException(host + ": the resolver returned no address");
        }
        List<InetSocketAddress> out = new ArrayList<>(found.length);
        for (InetAddress a : found) {
            out.add(new InetSocketAddress(a, port));
        }
        return out;
    }

    /** The JDK's message names the host; a resolver's that does not gets it added. */
    private static UnknownHostException named(UnknownHostException e, String host) {
        String m = e.getMessage();
        if (m != null && m.contains(host)) {
            return e;
        }
        UnknownHostException named = new UnknownHostException(host + (m == null ? "" : ": " + m));
        named.initCause(e);
        return named;
    }
}
