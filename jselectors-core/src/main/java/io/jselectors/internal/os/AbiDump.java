package io.jselectors.internal.os;

import java.io.PrintStream;

/**
 * Prints every fact of an OS table, one per line, C names as in the headers, values in decimal:
 * {@code const SOL_SOCKET 65535}, {@code sizeof sockaddr_in6 28}, {@code offset sockaddr_in6.sin6_port 2}.
 *
 * <p>{@code java -cp jselectors-core.jar io.jselectors.internal.os.AbiDump [profile]}; with no argument,
 * the running platform's profile. An unknown profile prints the known ones and exits with status 2.
 */
public final class AbiDump {
    private AbiDump() {}

    /**
     * @param args nothing, or one profile name
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Does the work of {@link #main} without exiting.
     *
     * @param args the arguments
     * @param out  where the facts go
     * @param err  where errors go
     * @return the exit status: 0, or 2 for a bad argument
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 1) {
            err.println("usage: AbiDump [profile]; profiles: " + String.join(", ", Abi.profiles()));
            return 2;
        }
        AbiTable table;
        try {
            table = Abi.of(args.length == 0 ? Abi.runningProfile() : args[0]);
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            err.println("AbiDump: " + e.getMessage());
            return 2;
        }
        for (AbiTable.Fact f : table.facts()) {
            out.println(f.line());
        }
        out.flush();
        return 0;
    }
}
