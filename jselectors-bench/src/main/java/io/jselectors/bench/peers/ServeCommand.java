package io.jselectors.bench.peers;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jselectors-bench serve PEER --port P}: runs one of the Java peer echo servers until killed. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Runs a Java peer echo server on 127.0.0.1 until killed: "
                + "jselectors-selector, jselectors-net, jdk-nio, virtual-threads, jselectors-blocking, netty-epoll, netty-io_uring.")
public final class ServeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PEER",
            description = "jselectors-selector, jselectors-net, jdk-nio, virtual-threads, jselectors-blocking, netty-epoll or netty-io_uring.")
    String peer;

    @Option(names = "--port", required = true, description = "Port on 127.0.0.1.")
    int port;

    @Override
    public Integer call() throws Exception {
        switch (peer) {
            case "jselectors-selector" -> SelectorEchoServer.run(port);
            case "jselectors-net" -> NetEchoServer.run(port);
            case "jdk-nio" -> NioEchoServer.run(port);
            case "virtual-threads" -> VirtualThreadEchoServer.run(port);
            case "jselectors-blocking" -> BlockingEchoServer.run(port);
            case "netty-epoll" -> NettyEchoServer.run(port, false);
            case "netty-io_uring" -> NettyEchoServer.run(port, true);
            default -> {
                System.err.println("serve: unknown peer '" + peer
                        + "'; use jselectors-selector, jselectors-net, jdk-nio, virtual-threads, jselectors-blocking, netty-epoll or netty-io_uring");
                return 2;
            }
        }
        return 0;
    }
}
