package io.jselectors.bench.jmh;

import io.jselectors.Selector;
import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * register + unregister, and modify (READ to READ|WRITE and back), of one socket among 1,000 others
 * registered, on each backend. The JDK column ("jdk") registers, cancels and runs the selectNow() that
 * a cancelled key needs before its channel can register again: that is what the JDK's API costs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {
    "--enable-native-access=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--sun-misc-unsafe-memory-access=allow"
})
public class RegistrationBench {
    /** epoll, poll, select or jdk. */
    @Param({"epoll", "poll", "select", "jdk"})
    public String backend;

    private SocketSet sockets;
    private Selector selector;
    private java.nio.channels.Selector jdk;
    private int fd;
    private SocketChannel channel;

    /** Registers 999 other sockets (100 for select, which takes fds below 1024 only). */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        int others = backend.equals("select") ? 100 : 1000;
        sockets = SocketSet.open(others);
        channel = sockets.channels.get(others - 1);
        fd = sockets.fd(others - 1);
        if (backend.equals("jdk")) {
            jdk = java.nio.channels.Selector.open();
            for (int i = 0; i < others - 1; i++) {
                sockets.channels.get(i).register(jdk, SelectionKey.OP_READ);
            }
        } else {
            selector = Backends.open(backend);
            for (int i = 0; i < others - 1; i++) {
                selector.register(sockets.fd(i), Selector.EVENT_READ);
            }
            selector.register(fd, Selector.EVENT_READ);
        }
    }

    /** Closes everything. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (selector != null) {
            selector.close();
        }
        if (jdk != null) {
            jdk.close();
        }
        sockets.close();
    }

    /** @return the key (or the selectNow count for the JDK) */
    @Benchmark
    public Object registerUnregister() throws IOException {
        if (jdk != null) {
            channel.register(jdk, SelectionKey.OP_READ).cancel();
            return jdk.selectNow();
        }
        selector.unregister(fd);
        return selector.register(fd, Selector.EVENT_READ);
    }

    /** @return the last key (the JDK: the key after two interestOps and a selectNow each) */
    @Benchmark
    @OperationsPerInvocation(2)
    public Object modify() throws IOException {
        if (jdk != null) {
            SelectionKey k = channel.keyFor(jdk);
            if (k == null) {
                jdk.selectNow(); // a cancelled key left by the other benchmark
                k = channel.register(jdk, SelectionKey.OP_READ);
            }
            k.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            jdk.selectNow();
            jdk.selectedKeys().clear();
            k.interestOps(SelectionKey.OP_READ);
            jdk.selectNow();
            return k;
        }
        selector.modify(fd, Selector.EVENT_READ | Selector.EVENT_WRITE, null);
        return selector.modify(fd, Selector.EVENT_READ, null);
    }
}
