package io.jselectors.bench;

import io.jselectors.bench.compare.CompareCommand;
import io.jselectors.bench.jmh.JmhCommand;
import io.jselectors.bench.load.ConnectLoadCommand;
import io.jselectors.bench.load.EchoLoadCommand;
import io.jselectors.bench.peers.ServeCommand;
import io.jselectors.bench.waiters.WaitersCommand;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code bin/jselectors-bench}. */
@Command(name = "jselectors-bench", mixinStandardHelpOptions = true,
        description = "jselectors benchmarks: JMH, an echo load generator, peer echo servers, and the comparison.",
        subcommands = {CompareCommand.class, EchoLoadCommand.class, ConnectLoadCommand.class, ServeCommand.class,
            JmhCommand.class, WaitersCommand.class})
public final class Main {
    private Main() {}

    /**
     * @param args the subcommand and its options
     * @throws Exception from JMH
     */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("jmh")) {
            JmhCommand.runJmh(Arrays.copyOfRange(args, 1, args.length)); // JMH parses its own options
            return;
        }
        System.exit(new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }
}
