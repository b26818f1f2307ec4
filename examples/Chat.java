import io.jselectors.loop.EventLoop;
import io.jselectors.loop.Server;
import io.jselectors.loop.Transport;
import io.jselectors.loop.framing.FrameHandler;
import io.jselectors.loop.framing.Framing;
import io.jselectors.loop.framing.LineFraming;
import java.io.EOFException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** A line-based chat server, and two clients on the same loop that talk through it, then leave. */
public class Chat {
    /** What a client sends: lines of at most 1 KiB (a longer one cuts the client off). */
    static final LineFraming FROM_CLIENT = Framing.lines(1024);
    /** What the server sends: a client's name and line, so up to twice that. */
    static final LineFraming FROM_SERVER = Framing.lines(2 * 1024 + 64);

    /** The server's side of one client: its first line is its name, each later one goes to the others. */
    static final class Session implements FrameHandler<String> {
        private final Set<Session> room;
        private Transport transport;
        private String name;

        Session(Set<Session> room) {
            this.room = room;
        }

        @Override public void connectionMade(Transport t) {
            transport = t;
            t.closed().whenComplete((ok, error) -> {            // the client's end, as a future
                room.remove(this);
                if (name != null) {
                    broadcast(name + " left" + (error == null ? "" : " (" + error.getMessage() + ")"));
                }
            });
        }

        @Override public void frameReceived(String line) {
            if (name == null) {
                name = line;
                room.add(this);
                FROM_SERVER.write(transport, "welcome, " + name + " (" + room.size() + " here)");
                broadcast(name + " joined");
            } else {
                broadcast(name + ": " + line);
            }
        }

        private void broadcast(String line) {
            for (Session other : room) {
                if (other != this && !other.transport.isClosing()) {
                    FROM_SERVER.write(other.transport, line);
                }
            }
        }
    }

    /** A client's side: the lines it receives wait until asked for, as with asyncio's readline(). */
    static final class Client implements FrameHandler<String> {
        private final Queue<String> lines = new ArrayDeque<>();
        private CompletableFuture<String> waiting;

        @Override public void frameReceived(String line) {
            if (waiting == null) {
                lines.add(line);
            } else {
                CompletableFuture<String> w = waiting;
                waiting = null;
                w.complete(line);
            }
        }

        @Override public void connectionLost(Throwable cause) {
            if (waiting != null) {
                waiting.completeExceptionally(cause != null ? cause : new EOFException("the server closed the connection"));
            }
        }

        /** The next line from the server, as a future; call it on the loop's thread or between runs. */
        CompletableFuture<String> nextLine() {
            String line = lines.poll();
            if (line != null) {
                return CompletableFuture.completedFuture(line);
            }
            waiting = new CompletableFuture<>();
            return waiting;
        }
    }

    public static void main(String[] args) throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            Set<Session> room = new LinkedHashSet<>();
            Server server = loop.createServer(new InetSocketAddress("127.0.0.1", 0),
                    () -> FROM_CLIENT.protocol(new Session(room)));
            Duration timeout = Duration.ofSeconds(5);

            Client alice = new Client();
            Transport a = loop.runUntil(loop.connect(server.localAddress(), FROM_SERVER.protocol(alice), timeout));
            FROM_CLIENT.write(a, "alice");                                  // the first line is the name
            System.out.println("alice got: " + loop.runUntil(alice.nextLine()));

            Client bob = new Client();
            Transport b = loop.runUntil(loop.connect(server.localAddress(), FROM_SERVER.protocol(bob), timeout));
            FROM_CLIENT.write(b, "bob");
            System.out.println("bob got: " + loop.runUntil(bob.nextLine()));
            System.out.println("alice got: " + loop.runUntil(alice.nextLine()));

            FROM_CLIENT.write(a, "hi bob");
            System.out.println("bob got: " + loop.runUntil(bob.nextLine()));
            FROM_CLIENT.write(b, "hi alice, bye");
            b.close();                                                      // sends what is buffered, then closes
            loop.runUntil(b.closed());
            System.out.println("alice got: " + loop.runUntil(alice.nextLine()));
            System.out.println("alice got: " + loop.runUntil(alice.nextLine()));

            a.close();
            loop.runUntil(a.closed());
            server.close();
            loop.runUntil(server.closed());
            System.out.println("server closed");
        }
    }
}
