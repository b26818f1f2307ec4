package io.jselectors.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Use it in your build", followed word for word: an empty project gets the README's
 * {@code pom.xml}, {@code module-info.java} (module path only) and {@code Main.java}, and runs the README's
 * commands. Maven runs offline on the artifacts this build installed into its own repository (target/it-repo,
 * by invoker:install), with the outer build's repository as a read-only tail for Maven's own plugins; the
 * README's {@code $HOME/.m2/repository} means that repository here.
 */
class UseItInYourBuildTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final Path REPO = Path.of(System.getProperty("jselectors.it.repo", "target/it-repo")).toAbsolutePath();
    private static final String TAIL = System.getProperty("jselectors.it.tail", "");
    private static final String VERSION = System.getProperty("jselectors.version", "");

    @Test
    void readmeUsesThisBuildsVersion() throws IOException {
        String readme = readme();
        assertThat(VERSION).as("jselectors.version system property (set by the POM)").isNotEmpty();
        assertThat(block(readme, "pom.xml")).contains("<version>" + VERSION + "</version>");
        assertThat(block(readme, "run on the module path")).contains("jselectors-core-" + VERSION + ".jar");
        assertThat(block(readme, "run on the class path")).contains("jselectors-core-" + VERSION + ".jar");
    }

    @Test
    void emptyProjectOnTheModulePath(@TempDir Path project) throws Exception {
        String readme = readme();
        write(project, "pom.xml", block(readme, "pom.xml"));
        write(project, "src/main/java/module-info.java", block(readme, "src/main/java/module-info.java"));
        write(project, "src/main/java/demo/Main.java", block(readme, "src/main/java/demo/Main.java"));
        assertRunsAndPrints(project, block(readme, "run on the module path"));
    }

    @Test
    void emptyProjectOnTheClassPath(@TempDir Path project) throws Exception {
        String readme = readme();
        write(project, "pom.xml", block(readme, "pom.xml"));
        write(project, "src/main/java/demo/Main.java", block(readme, "src/main/java/demo/Main.java"));
        assertRunsAndPrints(project, block(readme, "run on the class path"));
    }

    private static void assertRunsAndPrints(Path project, String commands) throws Exception {
        assertThat(REPO.resolve("io/jselectors/jselectors-core/" + VERSION)).as("installed by invoker:install").isDirectory();
        String javaHome = System.getProperty("java.home");
        String mvn = "'" + ROOT.resolve("mvnw") + "' -B -o -Dmaven.repo.local='" + REPO + "'"
                + (TAIL.isEmpty() ? "" : " -Dmaven.repo.local.tail='" + TAIL + "'");
        String script = commands
                .replace("$HOME/.m2/repository", REPO.toString())
                .replaceAll("(?m)^mvn ", mvn + " ");
        assertThat(script).as("the README's commands, adapted").doesNotContain("$HOME");
        ProcessBuilder pb = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script)
                .directory(project.toFile())
                .redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", javaHome);
        pb.environment().put("PATH", javaHome + "/bin:" + pb.environment().getOrDefault("PATH", "/usr/bin:/bin"));
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("the README's commands finished").isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("exit code of\n" + script + "\noutput:\n" + text).isZero();
        assertThat(text).as("no restricted-method warning: the README's flag works")
                .doesNotContain("WARNING: A restricted method");
        assertThat(text.lines().toList()).as(text).containsExactly(
                "epoll: [eventfd, inotify, timer] ready",
                "timer expired 1 time",
                "inotify: CREATE hello",
                "eventfd: 3");
    }

    private static String readme() throws IOException {
        return Files.readString(ROOT.resolve("README.md"));
    }

    /** The first fenced block after the README's {@code <!-- build: NAME -->} marker. */
    private static String block(String readme, String name) {
        String marker = "<!-- build: " + name + " -->";
        int at = readme.indexOf(marker);
        assertThat(at).as("README marker " + marker).isNotNegative();
        int fence = readme.indexOf("```", at);
        int start = readme.indexOf('\n', fence) + 1;
        int end = readme.indexOf("\n```", start);
        return readme.substring(start, end + 1);
    }

    private static void write(Path project, String file, String text) throws IOException {
        Path p = project.resolve(file);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }
}
