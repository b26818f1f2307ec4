package io.jselectors.bench.compare;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Turns a {@link ServerSpec}'s template into a command line, or into a reason to skip the server
 * (no gcc, no python3, a script that is not there yet).
 */
final class CommandResolver {
    /** Flags every Java peer runs with. */
    static final List<String> JAVA_FLAGS = List.of("--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow", "-XX:+UseSerialGC");

    private final Path root;
    private final Path workDir;
    private final String java;
    private final String classpath;
    private String cEcho; // compiled once
    private String cEchoProblem;

    /**
     * @param root      the repository
     * @param workDir   where extracted resources and the compiled C server go
     * @param java      the java launcher for {bench}
     * @param classpath the class path for {bench}
     */
    CommandResolver(Path root, Path workDir, String java, String classpath) {
        this.root = root;
        this.workDir = workDir;
        this.java = java;
        this.classpath = classpath;
    }

    /** A command ready to run (with {port} still in it), or why the server is skipped. */
    record Resolved(List<String> command, String skipReason) {
        boolean skipped() {
            return skipReason != null;
        }

        List<String> withPort(int port) {
            return command.stream().map(t -> t.replace("{port}", Integer.toString(port))).toList();
        }
    }

    Resolved resolve(ServerSpec spec) {
        List<String> out = new ArrayList<>();
        try {
            for (String token : spec.template().split("\\s+")) {
                switch (token) {
                    case "{bench}" -> {
                        out.add(java);
                        out.addAll(JAVA_FLAGS);
                        out.add("-cp");
                        out.add(classpath);
                        out.add("io.jselectors.bench.Main");
                    }
                    case "{python}" -> {
                        String py = onPath("python3");
                        if (py == null) {
                            return skip("python3 not found on PATH");
                        }
                        out.add(py);
                    }
                    case "{c-echo}" -> {
                        String bin = cEcho();
                        if (bin == null) {
                            return skip(cEchoProblem);
                        }
                        out.add(bin);
                    }
                    default -> {
                        String t = token.replace("{root}", root.toString());
                        if (t.startsWith("{resource:") && t.endsWith("}")) {
                            t = extract(t.substring("{resource:".length(), t.length() - 1)).toString();
                        }
                        out.add(t);
                    }
                }
            }
        } catch (IOException e) {
            return skip("cannot prepare the command: " + e.getMessage());
        }
        String exe = out.get(0);
        if (exe.contains("/") && !Files.isExecutable(Path.of(exe))) {
            return skip(exe + " not found (or not executable)");
        }
        if (!exe.contains("/") && onPath(exe) == null) {
            return skip(exe + " not found on PATH");
        }
        return new Resolved(List.copyOf(out), null);
    }

    private static Resolved skip(String why) {
        return new Resolved(List.of(), why);
    }

    private Path extract(String resource) throws IOException {
        Path target = workDir.resolve(resource);
        try (InputStream in = CommandResolver.class.getResourceAsStream("/io/jselectors/bench/" + resource)) {
            if (in == null) {
                throw new IOException("no resource " + resource + " in the bench module");
            }
            Files.createDirectories(workDir);
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    private String cEcho() throws IOException {
        if (cEcho != null || cEchoProblem != null) {
            return cEcho;
        }
        String gcc = onPath("gcc");
        if (gcc == null) {
            cEchoProblem = "gcc not found on PATH: the C epoll server cannot be built";
            return null;
        }
        Path src = extract("echo_epoll.c");
        Path bin = workDir.resolve("echo_epoll");
        Path log = workDir.resolve("echo_epoll.gcc.log");
        Process p = new ProcessBuilder(gcc, "-O2", "-o", bin.toString(), src.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                cEchoProblem = "gcc failed to build the C server: " + Files.readString(log).strip();
                return null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while compiling the C server", e);
        }
        cEcho = bin.toString();
        return cEcho;
    }

    static String onPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, exe);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }
}
