package io.jselectors.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The servers file: one line per server, placeholders resolved, missing programs skipped with a reason. */
class ServerSpecTest {
    @Test
    void oneLineIsOneServer() {
        List<ServerSpec> specs = ServerSpec.parse("""
                # comment
                a   /bin/a --port {port}

                b   {bench} serve jdk-nio --port {port}
                """);
        assertThat(specs).extracting(ServerSpec::name).containsExactly("a", "b");
        assertThat(specs.get(0).template()).isEqualTo("/bin/a --port {port}");
    }

    @Test
    void aCommandMustTakeThePortAndNamesAreUnique() {
        assertThatThrownBy(() -> ServerSpec.parse("a /bin/a --port 7000\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("{port}");
        assertThatThrownBy(() -> ServerSpec.parse("a /bin/a {port}\na /bin/b {port}\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> ServerSpec.parse("lonely\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no command");
    }

    @Test
    void placeholdersResolveAndMissingProgramsAreSkippedWithAReason(@TempDir Path work) {
        CommandResolver r = new CommandResolver(Path.of("/repo"), work, "/jdk/bin/java", "a.jar:b.jar");
        CommandResolver.Resolved bench = r.resolve(ServerSpec.of("x", "{bench} serve jdk-nio --port {port}"));
        // /jdk/bin/java does not exist here, so the resolver says so instead of failing later.
        assertThat(bench.skipped()).isTrue();
        assertThat(bench.skipReason()).contains("/jdk/bin/java").contains("not found");

        CommandResolver real = new CommandResolver(Path.of("/repo"), work,
                ProcessHandle.current().info().command().orElseThrow(), "a.jar");
        CommandResolver.Resolved ok = real.resolve(ServerSpec.of("x", "{bench} serve jdk-nio --port {port}"));
        assertThat(ok.skipped()).isFalse();
        assertThat(ok.withPort(7123)).contains("-cp", "a.jar", "io.jselectors.bench.Main", "serve", "jdk-nio", "7123")
                .contains("--enable-native-access=ALL-UNNAMED");

        CommandResolver.Resolved script = real.resolve(ServerSpec.of("echo", "{root}/bin/jselectors-echo --port {port}"));
        assertThat(script.skipped()).isTrue();
        assertThat(script.skipReason()).contains("/repo/bin/jselectors-echo");

        CommandResolver.Resolved py = real.resolve(ServerSpec.of("py", "{python} {resource:echo_server.py} {port}"));
        if (CommandResolver.onPath("python3") == null) {
            assertThat(py.skipReason()).contains("python3");
        } else {
            assertThat(py.withPort(1).get(1)).isEqualTo(work.resolve("echo_server.py").toString());
            assertThat(work.resolve("echo_server.py")).exists();
        }
    }
}
