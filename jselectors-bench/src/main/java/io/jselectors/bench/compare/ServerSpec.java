package io.jselectors.bench.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One server of the comparison: a name and a command line that takes the port.
 *
 * <p>The servers file has one server a line, {@code NAME COMMAND...}; {@code #} starts a comment.
 * The command is split on whitespace and these placeholders are replaced:
 * {@code {port}} the port to listen on (127.0.0.1), {@code {root}} the repository,
 * {@code {bench}} this program on the JDK in use ({@code java ... io.jselectors.bench.Main}),
 * {@code {python}} python3 from PATH, {@code {c-echo}} the C epoll server (compiled with gcc on first
 * use), {@code {resource:FILE}} a file of this module's resources.
 *
 * @param name     short name, unique
 * @param template the command with placeholders
 */
public record ServerSpec(String name, String template) {

    /**
     * Parses the servers file format.
     *
     * @param text the file's text
     * @return the servers in file order
     * @throws IllegalArgumentException on a line with a name and no command, or a repeated name
     */
    public static List<ServerSpec> parse(String text) {
        List<ServerSpec> specs = new ArrayList<>();
        int lineNo = 0;
        for (String raw : text.split("\n")) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+", 2);
            if (parts.length < 2) {
                throw new IllegalArgumentException("servers file line " + lineNo + ": '" + line
                        + "' has a name and no command (want: NAME COMMAND... with {port})");
            }
            ServerSpec spec = of(parts[0], parts[1]);
            if (specs.stream().anyMatch(s -> s.name.equals(spec.name))) {
                throw new IllegalArgumentException("servers file line " + lineNo + ": '" + spec.name + "' appears twice");
            }
            specs.add(spec);
        }
        return specs;
    }

    /**
     * @param name     the server's name
     * @param template its command, with {@code {port}}
     * @return the spec
     * @throws IllegalArgumentException when the command does not take {@code {port}}
     */
    public static ServerSpec of(String name, String template) {
        if (!template.contains("{port}")) {
            throw new IllegalArgumentException("server '" + name + "': the command must contain {port}: " + template);
        }
        return new ServerSpec(name, template.strip());
    }

    /**
     * @param file a servers file
     * @return its servers
     * @throws IOException if it cannot be read
     */
    public static List<ServerSpec> load(Path file) throws IOException {
        return parse(Files.readString(file));
    }
}
