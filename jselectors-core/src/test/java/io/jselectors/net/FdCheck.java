package io.jselectors.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base class of the socket tests: counts this process's socket and pipe descriptors in /proc/self/fd
 * before and after each test, and fails the test when one leaked. Only sockets and pipes are counted, so
 * jar files and the like the JVM opens meanwhile do not matter.
 */
abstract class FdCheck {
    private List<String> before;

    @BeforeEach
    void countBefore() throws IOException {
        before = socketsAndPipes();
    }

    @AfterEach
    void countAfter() throws IOException {
        List<String> after = socketsAndPipes();
        assertThat(after).as("socket/pipe fds after the test (leak?)").hasSameSizeAs(before);
    }

    static List<String> socketsAndPipes() throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(p).toString();
                    if (target.startsWith("socket:") || target.startsWith("pipe:")) {
                        out.add(p.getFileName() + "->" + target);
                    }
                } catch (IOException e) {
                    // The directory's own fd is gone by the time we read it.
                }
            }
        }
        return out;
    }

    /** Waits for a condition, polling every millisecond, for at most 5 seconds. */
    static void await(String what, IoCondition condition) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!condition.test()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after 5 s waiting for: " + what);
            }
            Thread.sleep(1);
        }
    }

    @FunctionalInterface
    interface IoCondition {
        boolean test() throws Exception;
    }
}
