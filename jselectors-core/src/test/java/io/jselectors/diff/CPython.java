package io.jselectors.diff;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One python3 process running our driver ({@code cpython_selectors.py}) over one of CPython's
 * selector classes. Scripts go in a line each, results come back a line each; a batch is written by
 * a separate thread while this one reads, so neither side's pipe fills up.
 */
final class CPython implements AutoCloseable {
    private final Process process;
    private final BufferedWriter in;
    private final BufferedReader out;
    private final Path driver;

    private CPython(Process process, Path driver) {
        this.process = process;
        this.driver = driver;
        this.in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** @return why python3 cannot run here, or null when it can */
    static String unavailableReason() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import selectors, select; select.epoll, select.poll")
                    .redirectErrorStream(true)
                    .start();
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "python3 with selectors, select.epoll and select.poll is not usable here: " + said;
            }
            return null;
        } catch (IOException e) {
            return "python3 is not installed (or not on PATH): " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while looking for python3";
        }
    }

    /**
     * Starts the driver.
     *
     * @param backend CPython's selector: "epoll", "poll" or "select"
     * @param base    the fd of script number 0
     * @param rows    ids of the {@link Divergences} rows the driver adapts CPython for
     */
    static CPython start(String backend, int base, List<String> rows) throws IOException {
        Path driver = Files.createTempFile("cpython_selectors", ".py");
        try (InputStream src = CPython.class.getResourceAsStream("cpython_selectors.py")) {
            if (src == null) {
                throw new IllegalStateException("the resource cpython_selectors.py is missing");
            }
            Files.write(driver, src.readAllBytes());
        }
        Process p = new ProcessBuilder("python3", driver.toString(), backend, Integer.toString(base),
                        rows.isEmpty() ? "-" : String.join(",", rows))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        return new CPython(p, driver);
    }

    /** Runs every script; returns one line of tab-separated fields per script, in order. */
    List<List<String>> run(List<Script> scripts) throws IOException {
        Thread writer = Thread.ofPlatform().name("cpython-feeder").start(() -> {
            try {
                for (Script s : scripts) {
                    in.write(s.text());
                    in.write('\n');
                }
                in.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        List<List<String>> results = new ArrayList<>(scripts.size());
        for (int i = 0; i < scripts.size(); i++) {
            String line = out.readLine();
            if (line == null) {
                throw new IOException("python3 ended early (exit " + exitCode() + ") at script " + i);
            }
            results.add(List.of(line.split("\t", -1)));
        }
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return results;
    }

    private String exitCode() {
        try {
            return process.waitFor(5, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    @Override
    public void close() throws IOException {
        try {
            in.close();
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            process.destroy();
            out.close();
            Files.deleteIfExists(driver);
        }
    }
}
