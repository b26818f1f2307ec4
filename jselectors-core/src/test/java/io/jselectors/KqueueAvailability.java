package io.jselectors;

import io.jselectors.internal.os.Kqueue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** Skips a kqueue test, saying why and how to run it, where this JVM has no kqueue. */
public final class KqueueAvailability {
    private KqueueAvailability() {}

    /** @return true when kqueue tests can run here */
    public static boolean available() {
        return KqueueSelector.isAvailable();
    }

    /** @return true when kqueue comes from a library named by the user (libkqueue on Linux), not the C library */
    public static boolean isUserSpaceLibrary() {
        return available() && !Kqueue.isInCLibrary();
    }

    /** @return the reason kqueue tests are skipped, with what to do about it */
    public static String skipReason() {
        String why = System.getProperty(Kqueue.LIBRARY_PROPERTY) != null || System.getenv(Kqueue.LIBRARY_ENV) != null
                ? Kqueue.unavailableReason()
                : "no kqueue on " + System.getProperty("os.name") + "/" + System.getProperty("os.arch");
        return "kqueue not tested: " + why + " (to test it through libkqueue: bin/test -D" + Kqueue.LIBRARY_PROPERTY
                + "=/path/to/libkqueue.so)";
    }

    /**
     * @return the JVM options that give a child JVM (an echo server, a probe) the kqueue library this
     *         one was given as a system property; none when it was not (an environment variable is
     *         inherited anyway)
     */
    public static List<String> childJvmOptions() {
        String lib = System.getProperty(Kqueue.LIBRARY_PROPERTY);
        return lib == null ? List.of() : List.of("-D" + Kqueue.LIBRARY_PROPERTY + "=" + lib);
    }

    /**
     * Aborts the calling test, with {@link #skipReason()}, where there is no kqueue. Where there is,
     * opens and closes one kqueue first, once per JVM: libkqueue keeps two descriptors of its own
     * (its close-monitoring thread's epoll fd and eventfd) from the process's first kqueue() on,
     * which a test's leak check would otherwise count against that test (BSD kqueue keeps none).
     */
    public static void assumeAvailable() {
        Assumptions.assumeTrue(available(), KqueueAvailability::skipReason);
        warmUp();
    }

    /** Where there is kqueue, opens and closes one, once per JVM (see {@link #assumeAvailable()}). */
    public static synchronized void warmUp() {
        if (warm || !available()) {
            return;
        }
        try {
            KqueueSelector.open().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        warm = true;
    }

    private static boolean warm;
}
