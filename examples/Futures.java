import io.jselectors.ErrnoException;
import io.jselectors.loop.EventLoop;
import io.jselectors.loop.Protocol;
import io.jselectors.loop.Server;
import io.jselectors.loop.Transport;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Futures on the loop: work handed to a worker and back, and runUntil a connect, a reply, and an end. */
public class Futures {
    /** Answers in upper case, computed on a worker: the loop thread never waits for it. */
    static class Shout implements Protocol {
        private final ExecutorService worker;
        private Transport transport;

        Shout(ExecutorService worker) { this.worker = worker; }

        @Override public void connectionMade(Transport t) { transport = t; }
        @Override public void dataReceived(MemorySegment data) {
            String text = new String(data.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8); // copy: data is the loop's
            CompletableFuture.supplyAsync(text::toUpperCase, worker)                  // on the worker
                    .thenAcceptAsync(reply -> transport.write(reply.getBytes(StandardCharsets.UTF_8)),
                            transport.loop());                                        // back on the loop thread
        }
    }

    /** Completes {@code reply} once as many bytes came back as it sent. */
    static class Ask implements Protocol {
        final CompletableFuture<String> reply = new CompletableFuture<>();
        private final StringBuilder got = new StringBuilder();
        private final String question;

        Ask(String question) { this.question = question; }

        @Override public void connectionMade(Transport t) { t.write(question.getBytes(StandardCharsets.UTF_8)); }
        @Override public void dataReceived(MemorySegment data) {
            got.append(new String(data.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8));
            if (got.length() == question.length()) {
                reply.complete(got.toString());
            }
        }
    }

    public static void main(String[] args) throws Exception {
        ExecutorService worker = Executors.newSingleThreadExecutor(); // one worker keeps replies in order
        try (EventLoop loop = EventLoop.open()) {
            Server server = loop.createServer(new InetSocketAddress("127.0.0.1", 0), () -> new Shout(worker));
            Ask ask = new Ask("hello, futures");
            Transport t = loop.runUntil(loop.connect(server.localAddress(), ask, Duration.ofSeconds(5)));
            System.out.println("reply: " + loop.runUntil(ask.reply));
            t.close();
            loop.runUntil(t.closed());          // normal: a clean close (a fault would throw, with its cause)
            System.out.println("connection closed cleanly");
            server.close();
            loop.runUntil(server.closed());
            System.out.println("server closed");
            try {
                loop.runUntil(loop.connect(server.localAddress(), new Ask("?"), Duration.ofSeconds(5)));
            } catch (CompletionException e) {   // runUntil throws as join() does: the failure is the cause
                System.out.println("connect failed: " + ((ErrnoException) e.getCause()).errnoName());
            }
        } finally {
            worker.shutdown();
        }
    }
}
