package io.jselectors.bench.compare;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A peer server started for one cell: pinned to a core, its output in a log file, stopped afterwards. */
final class ServerProcess implements AutoCloseable {
    private static final long READY_TIMEOUT_MS = 60_000;

    private final Process process;
    private final Path log;
    final int port;

    private ServerProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts the server and waits until its port accepts connections.
     *
     * @param command the command (port already in it)
     * @param port    the port it will listen on
     * @param core    the CPU to pin it to, or -1 for none
     * @param log     where its stdout and stderr go
     * @return the running server
     * @throws IOException if it exits or does not listen within a minute (with the end of its log)
     */
    static ServerProcess start(List<String> command, int port, int core, Path log) throws IOException {
        return start(command, port, core, log, java.util.Map.of());
    }

    /**
     * Starts the server with extra environment variables.
     *
     * @see #start(List, int, int, Path)
     */
    static ServerProcess start(List<String> command, int port, int core, Path log, java.util.Map<String, String> env)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        if (core >= 0) {
            cmd.addAll(List.of("taskset", "-c", Integer.toString(core)));
        }
        cmd.addAll(command);
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        ServerProcess server = new ServerProcess(p, log, port);
        long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
        while (true) {
            if (!p.isAlive()) {
                throw new IOException("server exited with status " + p.exitValue() + " before listening: "
                        + server.logTail());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                break;
            } catch (IOException notYet) {
                if (System.currentTimeMillis() > deadline) {
                    server.close();
                    throw new IOException("server did not listen on port " + port + " within "
                            + READY_TIMEOUT_MS / 1000 + " s: " + server.logTail());
                }
                sleep(50);
            }
        }
        return server;
    }

    /** @return the pid whose tree is measured */
    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** @return the last lines of the server's output */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Stops the server and everything it started: SIGTERM, then SIGKILL after 5 s. */
    @Override
    public void close() {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * @return a port that was free a moment ago on 127.0.0.1
     * @throws IOException if none can be bound
     */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
