package io.jselectors.echo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The echo server: {@code --loops} event loops, one thread each. The first listens on the one listening
 * socket and hands the connections to every loop in turn ({@code EventLoop.adopt}); with {@code --reuse-port}
 * each loop has a listening socket of its own on the same port (SO_REUSEPORT: the kernel spreads new
 * connections over the loops).
 */
final class EchoServer {
    private final EchoConfig config;
    private final EchoStats stats;
    private final ShutdownSignals signals;
    private final List<EchoWorker> workers = new ArrayList<>();
    private volatile Throwable failure;

    EchoServer(EchoConfig config, EchoStats stats, ShutdownSignals signals) {
        this.config = config;
        this.stats = stats;
        this.signals = signals;
    }

    /**
     * Opens the loops and their listening sockets and starts their threads.
     *
     * @return the address listened on, with the port the OS chose when asked for 0
     * @throws UserError if the address cannot be listened on, or the backend cannot be opened
     */
    InetSocketAddress start() throws UserError {
        InetSocketAddress address = config.address();
        for (int i = 0; i < config.loops(); i++) {
            try {
                workers.add(new EchoWorker(i, config, stats, this::failed));
            } catch (IOException e) {
                throw new UserError("cannot open the " + (config.backend() == null ? "default" : config.backend())
                        + " selector: " + e.getMessage(), e);
            }
        }
        try {
            if (config.reusePort()) {
                for (EchoWorker w : workers) {
                    address = w.listen(address, true, List.of(w));
                }
            } else {
                address = workers.get(0).listen(address, false, workers);
            }
        } catch (IOException e) {
            throw new UserError("cannot listen on " + EchoMain.format(address) + ": " + e.getMessage(), e);
        }
        for (EchoWorker w : workers) {
            w.start();
        }
        return address;
    }

    String backend() {
        return workers.isEmpty() ? "none" : workers.get(0).backend();
    }

    /** A loop failed: record it and stop the server. */
    private void failed(Throwable e) {
        if (failure == null) {
            failure = e;
        }
        signals.request("failure: " + e);
    }

    Throwable failure() {
        return failure;
    }

    /** Each loop's counters, measured on its thread; an entry is null for a loop that does not answer soon. */
    List<EchoWorker.Sample> samples() {
        List<EchoWorker.Sample> all = new ArrayList<>();
        for (EchoWorker w : workers) {
            all.add(w.sample());
        }
        return all;
    }

    /**
     * First step of a graceful stop: closes the listening sockets (returns once they are closed) and starts
     * every connection draining: it echoes until quiet, then shuts its write side.
     */
    void stopAccepting() {
        for (EchoWorker w : workers) {
            w.beginStop();
        }
    }

    /**
     * Graceful stop: {@link #stopAccepting()} if not done yet, then waits until every connection is closed or
     * the grace period is over, and aborts the rest.
     *
     * @return the connections still open when the grace period ended: [0] those that had all their echoes and
     *         were only kept open by their peer, [1] those cut off with echoes in flight
     */
    int[] shutdown(Duration grace) {
        stopAccepting();
        long deadline = System.nanoTime() + grace.toNanos();
        while (stats.open.get() > 0 && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int[] aborted = new int[2];
        for (EchoWorker w : workers) {
            int[] n = w.finishStop();
            aborted[0] += n[0];
            aborted[1] += n[1];
        }
        return aborted;
    }
}
