package io.jselectors.loop;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * How {@link EventLoop#subprocessExec} connects a child's standard descriptors, and its environment and
 * working directory.
 *
 * @param stdin       the child's descriptor 0
 * @param stdout      the child's descriptor 1
 * @param stderr      the child's descriptor 2
 * @param environment the child's whole environment, or null for this process's ({@link System#getenv()})
 * @param directory   the child's working directory, or null for this process's
 */
public record SubprocessOptions(Stdio stdin, Stdio stdout, Stdio stderr, Map<String, String> environment,
        Path directory) {
    /** What a standard descriptor of the child is connected to. */
    public enum Stdio {
        /** A pipe to this process, served by the loop as a transport (asyncio's {@code PIPE}). */
        PIPE,
        /** This process's own descriptor, shared with the child. */
        INHERIT,
        /** {@code /dev/null}. */
        DEVNULL
    }

    /** All three descriptors piped, this process's environment and working directory. */
    public static final SubprocessOptions DEFAULTS = new SubprocessOptions(Stdio.PIPE, Stdio.PIPE, Stdio.PIPE, null, null);

    /** Checks the values and copies the environment. */
    public SubprocessOptions {
        Objects.requireNonNull(stdin, "stdin");
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
        if (environment != null) {
            environment.forEach((k, v) -> {
                if (k.isEmpty() || k.indexOf('=') >= 0 || k.indexOf('\0') >= 0 || v.indexOf('\0') >= 0) {
                    throw new IllegalArgumentException("environment variable " + k + "=" + v
                            + " cannot be passed: a name is non-empty without '=', and neither holds a NUL");
                }
            });
            environment = Map.copyOf(environment);
        }
    }

    /**
     * Returns a copy with another stdin.
     *
     * @param s the child's descriptor 0
     * @return the copy
     */
    public SubprocessOptions withStdin(Stdio s) {
        return new SubprocessOptions(s, stdout, stderr, environment, directory);
    }

    /**
     * Returns a copy with another stdout.
     *
     * @param s the child's descriptor 1
     * @return the copy
     */
    public SubprocessOptions withStdout(Stdio s) {
        return new SubprocessOptions(stdin, s, stderr, environment, directory);
    }

    /**
     * Returns a copy with another stderr.
     *
     * @param s the child's descriptor 2
     * @return the copy
     */
    public SubprocessOptions withStderr(Stdio s) {
        return new SubprocessOptions(stdin, stdout, s, environment, directory);
    }

    /**
     * Returns a copy with another environment.
     *
     * @param env the child's whole environment (copied), or null for this process's
     * @return the copy
     */
    public SubprocessOptions withEnvironment(Map<String, String> env) {
        return new SubprocessOptions(stdin, stdout, stderr, env, directory);
    }

    /**
     * Returns a copy with another working directory.
     *
     * @param dir the child's working directory, or null for this process's
     * @return the copy
     */
    public SubprocessOptions withDirectory(Path dir) {
        return new SubprocessOptions(stdin, stdout, stderr, environment, dir);
    }
}
