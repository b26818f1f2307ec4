package io.jselectors.loop;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * {@link EventLoop#createServer(String, int, java.util.function.Supplier, ServerOptions)}: resolves the host
 * off the loop thread ({@link NameResolver}), then, on the loop thread, binds the addresses in the
 * resolver's order and keeps the first that binds: one listening socket. The others' failures are named
 * in the exception when none binds. A future completed by the caller before the bind (cancel) binds
 * nothing; one completed during it gets the server closed.
 */
final class ServerBinder {
    private ServerBinder() {}

    static CompletableFuture<Server> bind(EventLoop loop, String host, int port,
            Function<? super EventLoop, ? extends Protocol> factory, ServerOptions options, NameResolver.Lookup lookup) {
        CompletableFuture<Server> result = new CompletableFuture<>();
        String target = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        InetAddress literal = NameResolver.literal(host);
        if (literal != null) {
            loop.scheduler().onLoop(new StartTask(
                    () -> bindFirst(loop, List.of(new InetSocketAddress(literal, port)), target, factory, options, result),
                    () -> result.completeExceptionally(EventLoop.loopClosedException())));
            return result;
        }
        NameResolver.resolve(host, port, lookup).whenComplete((found, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
                return;
            }
            // Queued for the loop thread (a resolver thread never touches loop state); after close, abandoned.
            loop.scheduler().handOver(new StartTask(() -> bindFirst(loop, found, target, factory, options, result),
                    () -> result.completeExceptionally(EventLoop.loopClosedException())));
        });
        return result;
    }

    private static void bindFirst(EventLoop loop, List<InetSocketAddress> addresses, String target,
            Function<? super EventLoop, ? extends Protocol> factory, ServerOptions options, CompletableFuture<Server> result) {
        if (result.isDone()) {
            return; // cancelled while resolving: nothing was bound
        }
        if (loop.isClosed()) {
            result.completeExceptionally(EventLoop.loopClosedException());
            return;
        }
        AddressAttempts attempts = new AddressAttempts();
        for (InetSocketAddress a : addresses) {
            Server s;
            try {
                s = Server.start(loop, a, factory, options, new EventLoop[] {loop});
            } catch (IOException | RuntimeException e) {
                attempts.failed(a, e);
                continue;
            }
            if (!result.complete(s)) {
                s.close(); // the caller completed the future meanwhile
            }
            return;
        }
        result.completeExceptionally(attempts.allFailed("listen on", target, false));
    }
}
