package io.jselectors.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.Selector;
import io.jselectors.net.ListeningSocket;
import io.jselectors.net.ListenOptions;
import io.jselectors.net.StreamSocket;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What the public API lets a user do to a loop: nothing that corrupts it or makes it spin behind its back. */
class LoopApiTest {
    private static final InetSocketAddress ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @Test
    void noPublicWayToTheSelectorOrToLoopInternals() {
        for (Method m : EventLoop.class.getMethods()) {
            assertThat(Selector.class.isAssignableFrom(m.getReturnType())).as(m.toString()).isFalse();
        }
        for (Method m : Server.class.getMethods()) {
            assertThat(m.getName()).as("Server." + m.getName()).isNotEqualTo("loopClosed");
        }
        assertThat(EventLoop.class.getFields()).as("public fields of EventLoop").isEmpty();
        for (String name : List.of("iterations", "registeredFiles")) {
            assertThat(java.util.Arrays.stream(EventLoop.class.getDeclaredMethods())
                    .filter(m -> m.getName().equals(name))
                    .noneMatch(m -> Modifier.isPublic(m.getModifiers()))).as(name).isTrue();
        }
    }

    /**
     * The hole of the old API: a pipe registered on the loop's own selector, which the loop knew nothing of,
     * spun it at 100% CPU. Reached now only by smuggling the selector out of the opener, such a key is
     * unregistered at its first event and reported: the loop stays idle.
     */
    @Test
    void aKeyRegisteredBehindTheLoopsBackIsDroppedNotSpunOn() throws Exception {
        AtomicReference<Selector> smuggled = new AtomicReference<>();
        try (EventLoop loop = EventLoop.open(() -> {
            Selector s = Selector.open();
            smuggled.set(s);
            return s;
        }); EventLoopTest.TestPipe pipe = new EventLoopTest.TestPipe()) {
            List<String> reported = new ArrayList<>();
            loop.setExceptionHandler((context, error) -> reported.add(error.getMessage()));
            smuggled.get().register(pipe.readFd, Selector.EVENT_READ);
            pipe.send(1); // readable forever: nobody reads it
            long before = loop.iterations();
            Run.forAbout(loop, Duration.ofMillis(300));
            long rounds = loop.iterations() - before;
            assertThat(rounds).as("rounds in 300 ms with a foreign readable key").isLessThan(50);
            assertThat(reported).hasSize(1);
            assertThat(reported.get(0)).contains("registered on the loop's selector directly");
            assertThat(loop.registeredFiles()).isZero();
        }
    }

    @Test
    void aSelectorWithRegistrationsIsRefused() throws Exception {
        try (EventLoopTest.TestPipe pipe = new EventLoopTest.TestPipe()) {
            assertThatThrownBy(() -> EventLoop.open(() -> {
                Selector s = Selector.open();
                s.register(pipe.readFd, Selector.EVENT_READ);
                return s;
            })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no registrations");
        }
    }

    /** A reader that reads what made it ready: the loop waits between events, it does not spin. */
    @Test
    void aReaderThatReadsLeavesTheLoopIdle() throws Exception {
        try (EventLoop loop = EventLoop.open(); EventLoopTest.TestPipe pipe = new EventLoopTest.TestPipe()) {
            AtomicInteger calls = new AtomicInteger();
            loop.addReader(pipe.readFd, () -> {
                calls.incrementAndGet();
                try {
                    pipe.drain();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            pipe.send(3);
            long before = loop.iterations();
            Run.forAbout(loop, Duration.ofMillis(300));
            assertThat(calls.get()).isEqualTo(1);
            assertThat(loop.iterations() - before).as("rounds in 300 ms").isLessThan(50);
            assertThat(loop.removeReader(pipe.readFd)).isTrue();
        }
    }

    /** addReader from another thread while the loop runs is refused at once, not silently accepted. */
    @Test
    void addReaderFromAnotherThreadWhileRunningIsRefused() throws Exception {
        try (EventLoop loop = EventLoop.open(); EventLoopTest.TestPipe pipe = new EventLoopTest.TestPipe();
             LoopThread lt = new LoopThread(loop)) {
            for (int i = 0; i < 1000 && !loop.isRunning(); i++) {
                Thread.sleep(5);
            }
            assertThatThrownBy(() -> loop.addReader(pipe.readFd, () -> {}))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("loop.execute");
            CompletableFuture<Integer> inside = new CompletableFuture<>();
            loop.execute(() -> {
                try {
                    loop.addReader(pipe.readFd, () -> {});
                    inside.complete(loop.registeredFiles());
                    loop.removeReader(pipe.readFd);
                } catch (Exception e) {
                    inside.completeExceptionally(e);
                }
            });
            assertThat(inside.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        }
    }

    /** A transport's descriptor is the loop's: a user's reader on it would steal its reads. */
    @Test
    void addReaderOnATransportsDescriptorIsRefused() throws Exception {
        try (EventLoop loop = EventLoop.open();
             ListeningSocket l = ListeningSocket.bind(ANY, ListenOptions.DEFAULTS);
             StreamSocket client = StreamSocket.connect(l.localAddress())) {
            StreamSocket accepted = null;
            for (int i = 0; i < 500 && accepted == null; i++) {
                accepted = l.accept();
                if (accepted == null) {
                    Thread.sleep(10);
                }
            }
            assertThat(accepted).isNotNull();
            Recorder served = new Recorder();
            loop.adopt(accepted, () -> served);
            Run.until(loop, served.made, Duration.ofSeconds(5));
            int fd = accepted.fileno();
            assertThatThrownBy(() -> loop.addReader(fd, () -> {}))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("belongs to a transport");
            assertThatThrownBy(() -> loop.removeWriter(fd))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("belongs to a transport");
            // The transport still reads.
            client.write(java.lang.foreign.MemorySegment.ofArray(new byte[] {9}));
            Run.until(loop, () -> served.received.size() == 1, Duration.ofSeconds(5));
        }
    }

    /** One accepting loop, two serving loops: connections alternate, and each is served on its loop's thread. */
    @Test
    void aServerSpreadsItsConnectionsOverLoops() throws Exception {
        try (EventLoop acceptor = EventLoop.open(); EventLoop a = EventLoop.open(); EventLoop b = EventLoop.open();
             LoopThread ta = new LoopThread(a); LoopThread tb = new LoopThread(b)) {
            List<Thread> servedOn = java.util.Collections.synchronizedList(new ArrayList<>());
            List<EventLoop> loopsSeen = java.util.Collections.synchronizedList(new ArrayList<>());
            Server server = acceptor.createServer(ANY, loop -> {
                loopsSeen.add(loop);
                servedOn.add(Thread.currentThread());
                return new Recorder();
            }, ServerOptions.DEFAULTS, List.of(a, b));
            List<StreamSocket> clients = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                clients.add(StreamSocket.connect(server.localAddress()));
            }
            Run.until(acceptor, () -> loopsSeen.size() == 10, Duration.ofSeconds(10));
            assertThat(loopsSeen.stream().filter(l -> l == a).count()).isEqualTo(5);
            assertThat(loopsSeen.stream().filter(l -> l == b).count()).isEqualTo(5);
            assertThat(servedOn).containsOnly(ta.thread, tb.thread);
            for (StreamSocket c : clients) {
                c.close();
            }
            server.close();
        }
    }

    /** adopt on a closed loop closes the socket and never calls the factory. */
    @Test
    void adoptOnAClosedLoopClosesTheSocket() throws Exception {
        EventLoop loop = EventLoop.open();
        loop.close();
        try (ListeningSocket l = ListeningSocket.bind(ANY, ListenOptions.DEFAULTS)) {
            StreamSocket s = StreamSocket.connect(l.localAddress());
            AtomicInteger made = new AtomicInteger();
            loop.adopt(s, () -> {
                made.incrementAndGet();
                return new Recorder();
            });
            assertThat(s.isOpen()).isFalse();
            assertThat(made.get()).isZero();
        }
    }

    /**
     * dataReceived's segment is the loop's read buffer, confined to the loop's thread and freed when run()
     * returns: a segment kept past the call fails with the JDK's own exceptions (another thread:
     * WrongThreadException; after the run: IllegalStateException), never reads memory the loop reuses.
     */
    @Test
    void aReceivedSegmentKeptPastItsCallFailsInsteadOfReadingReusedMemory() throws Exception {
        AtomicReference<java.lang.foreign.MemorySegment> kept = new AtomicReference<>();
        AtomicReference<Throwable> fromOtherThread = new AtomicReference<>();
        try (EventLoop loop = EventLoop.open()) {
            Server server = loop.createServer(ANY, () -> new Protocol() {
                @Override
                public void dataReceived(java.lang.foreign.MemorySegment data) {
                    kept.set(data);
                    Thread t = Thread.ofPlatform().start(() -> {
                        try {
                            data.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0);
                        } catch (Throwable e) {
                            fromOtherThread.set(e);
                        }
                    });
                    try {
                        t.join();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    loop.stop();
                }
            });
            loop.connect(server.localAddress(), new Protocol() {
                @Override
                public void connectionMade(Transport t) {
                    t.write(new byte[] {42});
                }
            }, Duration.ofSeconds(5));
            loop.run();
            assertThat(kept.get()).as("a byte arrived").isNotNull();
            assertThat(fromOtherThread.get()).isInstanceOf(WrongThreadException.class);
            assertThatThrownBy(() -> kept.get().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0))
                    .isInstanceOf(IllegalStateException.class);
        }
    }
}
