package io.jselectors.internal.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jselectors.internal.os.AbiTable.Fact;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks the Linux profile against this machine's C headers: a C program generated from the table prints
 * every fact with the compiler's own {@code sizeof}, {@code offsetof} and macro values, in
 * {@link AbiDump}'s format, and the two listings must be equal line for line. With the kqueue library
 * given (see {@code KqueueSelector}), libkqueue's fact set is checked the same way against the
 * {@code include/sys/event.h} its build generated.
 */
class LinuxHeadersTest {
    @TempDir
    Path dir;

    @Test
    void linuxProfileMatchesThisMachinesHeaders() throws Exception {
        String running = Abi.profileFor(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
        assumeTrue(running != null && running.startsWith("linux-"),
                "the Linux table is checked against the headers of a Linux machine; this is " + Platform.describe());
        assumeTrue(gccWorks(), "no working gcc on PATH to compile the header check");
        AbiTable table = Abi.of(running);
        assertThat(compileAndRun(table, List.of())).containsExactlyElementsOf(dump(table));
    }

    @Test
    void libkqueueFactsMatchItsHeader() throws Exception {
        String lib = System.getProperty("jselectors.kqueue.library", System.getenv("JSELECTORS_KQUEUE_LIBRARY"));
        assumeTrue(lib != null && !lib.isBlank(),
                "libkqueue not given (set -Djselectors.kqueue.library or JSELECTORS_KQUEUE_LIBRARY to its .so)");
        Path include = Path.of(lib).toAbsolutePath().getParent().resolve("include");
        assumeTrue(Files.isRegularFile(include.resolve("sys/event.h")),
                "no generated sys/event.h next to " + lib + " (expected " + include.resolve("sys/event.h") + ")");
        assumeTrue(gccWorks(), "no working gcc on PATH to compile the header check");
        AbiTable table = Abi.of(LibkqueueTables.NAME);
        assertThat(compileAndRun(table, List.of("-I" + include))).containsExactlyElementsOf(dump(table));
    }

    private static List<String> dump(AbiTable table) {
        return table.facts().stream().map(Fact::line).toList();
    }

    private List<String> compileAndRun(AbiTable table, List<String> flags) throws Exception {
        Set<String> includes = new LinkedHashSet<>(List.of("stdio.h", "stddef.h"));
        StringBuilder body = new StringBuilder();
        for (Fact f : table.facts()) {
            includes.add(f.include());
            body.append("    ").append(printStatement(f)).append('\n');
        }
        StringBuilder c = new StringBuilder("#define _GNU_SOURCE\n");
        for (String h : includes) {
            c.append("#include <").append(h).append(">\n");
        }
        c.append("int main(void) {\n").append(body).append("    return 0;\n}\n");
        Path src = dir.resolve("facts.c");
        Path exe = dir.resolve("facts");
        Files.writeString(src, c, StandardCharsets.UTF_8);
        List<String> cmd = new ArrayList<>(List.of("gcc", "-Wall", "-Werror", "-o", exe.toString(), src.toString()));
        cmd.addAll(flags);
        String compiled = run(cmd);
        assertThat(compiled).as("gcc output for\n" + c).isEmpty();
        return run(List.of(exe.toString())).lines().toList();
    }

    /** A printf of one fact; a type name without a typedef is a struct. */
    private static String printStatement(Fact f) {
        String name = f.name();
        String expr = switch (f.kind()) {
            case CONST -> "(long long)(" + name + ")";
            case SIZEOF -> {
                int dot = name.indexOf('.');
                yield dot < 0 ? "(long long)sizeof(" + cType(name) + ")"
                        : "(long long)sizeof(((" + cType(name.substring(0, dot)) + " *)0)->" + name.substring(dot + 1) + ")";
            }
            case OFFSET -> {
                int dot = name.indexOf('.');
                yield "(long long)offsetof(" + cType(name.substring(0, dot)) + ", " + name.substring(dot + 1) + ")";
            }
        };
        return "printf(\"" + f.kind().word() + " " + name + " %lld\\n\", " + expr + ");";
    }

    private static String cType(String type) {
        return type.endsWith("_t") || type.equals("fd_set") ? type : "struct " + type;
    }

    private static boolean gccWorks() {
        try {
            run(List.of("gcc", "--version"));
            return true;
        } catch (IOException | InterruptedException | AssertionError e) {
            return false;
        }
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " did not finish in 60 s");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(cmd + " exited with " + p.exitValue() + ":\n" + out);
        }
        return cmd.get(0).equals("gcc") && cmd.contains("--version") ? "" : out;
    }
}
