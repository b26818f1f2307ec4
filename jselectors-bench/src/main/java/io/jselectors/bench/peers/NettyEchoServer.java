package io.jselectors.bench.peers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;

/**
 * The Netty peers: the canonical Netty echo handler (write on read, flush when the read batch ends) on
 * one event-loop thread that both accepts and serves, with the native epoll or io_uring transport.
 */
public final class NettyEchoServer {
    private NettyEchoServer() {}

    @ChannelHandler.Sharable
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /**
     * Runs the server until the process is killed.
     *
     * @param port     the port on 127.0.0.1
     * @param ioUring  true for io_uring, false for epoll
     * @throws Exception if the transport is unavailable or binding fails
     */
    public static void run(int port, boolean ioUring) throws Exception {
        IoHandlerFactory factory;
        Class<? extends ServerChannel> channel;
        if (ioUring) {
            IoUring.ensureAvailability();
            factory = IoUringIoHandler.newFactory();
            channel = IoUringServerSocketChannel.class;
        } else {
            Epoll.ensureAvailability();
            factory = EpollIoHandler.newFactory();
            channel = EpollServerSocketChannel.class;
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, factory);
        Echo echo = new Echo();
        new ServerBootstrap()
                .group(group)
                .channel(channel)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(echo)
                .bind("127.0.0.1", port)
                .sync();
        System.out.println("listening on 127.0.0.1:" + port + " (Netty " + (ioUring ? "io_uring" : "epoll") + ", 1 event loop)");
        System.out.flush();
        Thread.currentThread().join(); // the event loop thread serves; this one waits forever
    }
}
