package io.jselectors.testsupport;

import java.io.IOException;

/**
 * Closes a finished child process's pipes now, on the test's thread. Left open, the JDK closes them
 * later on its process reaper thread, after {@code waitFor} has returned, and a later test's descriptor
 * count (the leak checks) then sees descriptors vanish in the middle of that test.
 */
public final class ChildProcesses {
    private ChildProcesses() {}

    /**
     * Closes the standard input, output and error streams of {@code p} (those that are pipes).
     *
     * @param p a process that has exited, or is being abandoned
     */
    public static void closeStreams(Process p) {
        try {
            p.getOutputStream().close();
        } catch (IOException e) {
            // already closed: nothing to release
        }
        try {
            p.getInputStream().close();
        } catch (IOException e) {
            // idem
        }
        try {
            p.getErrorStream().close();
        } catch (IOException e) {
            // idem
        }
    }
}
