import io.jselectors.loop.ConnectOptions;
import io.jselectors.loop.EventLoop;
import io.jselectors.loop.Protocol;
import io.jselectors.loop.ServerOptions;
import io.jselectors.loop.Transport;
import io.jselectors.net.SocketOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/** Listens and connects by host name with keep-alive on both ends, then meets a name that does not resolve. */
public class ConnectByName {
    public static void main(String[] args) throws Exception {
        SocketOptions keepAlive = SocketOptions.NONE.withTcpNoDelay(true)
                .withKeepAlive(Duration.ofSeconds(60), Duration.ofSeconds(10), 5);
        try (EventLoop loop = EventLoop.open()) {
            loop.createServer("localhost", 0, () -> new Protocol() {},
                            ServerOptions.DEFAULTS.withConnectionOptions(keepAlive))
                    .thenCompose(server -> loop.connect("localhost",
                            ((InetSocketAddress) server.localAddress()).getPort(), new Protocol() {},
                            ConnectOptions.DEFAULTS.withSocketOptions(keepAlive)))
                    .thenCompose(client -> {
                        show(client);
                        return loop.connect("no-such-host.invalid", 80, new Protocol() {});
                    })
                    .whenComplete((never, e) -> {
                        System.out.println("no-such-host.invalid: " + e.getCause().getClass().getName());
                        loop.stop();
                    });
            loop.run();
        }
    }

    static void show(Transport t) {
        try {
            SocketOptions got = t.socketOptions();          // getsockopt: the kernel's view
            System.out.println("connected to a loopback address: "
                    + ((InetSocketAddress) t.remoteAddress()).getAddress().isLoopbackAddress());
            System.out.println("TCP_NODELAY " + got.tcpNoDelay() + ", keep-alive " + got.keepAlive() + " (idle "
                    + got.keepAliveIdle() + ", every " + got.keepAliveInterval() + ", " + got.keepAliveCount() + " probes)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
