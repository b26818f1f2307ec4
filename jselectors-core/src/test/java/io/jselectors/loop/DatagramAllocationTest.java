package io.jselectors.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * UDP echo round trips on one loop allocate nothing per datagram once warm: the receive's sender is
 * reused while the peer stays the same ({@code SenderCache}), and a reply to it reuses its encoded form
 * ({@code TargetCache}). Measured by {@link DatagramAllocProbe} in a fresh JVM, as
 * {@link SteadyStateAllocationTest} does for TCP (epoll only: the datagram path is the same on every backend).
 */
class DatagramAllocationTest {
    @Test
    void udpEchoRoundTripsAllocateNothing() throws Exception {
        boolean countable = SteadyStateAllocationTest.canCountAllocations();
        if (!countable) {
            System.out.println("datagram allocation test skipped: this JVM cannot count a thread's allocated bytes");
        }
        Assumptions.assumeTrue(countable, "this JVM cannot count a thread's allocated bytes");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = List.of(java.toString(), "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp", cp,
                DatagramAllocProbe.class.getName(), "epoll");
        double perTrip = SteadyStateAllocationTest.probe(cmd, "epoll (udp)");
        if (perTrip >= 1.0) {
            // The JDK's errno-capture slice, when C2 does not scalar-replace it: see SteadyStateAllocationTest.
            System.out.printf("udp allocation: %s B per round trip in this JVM; measuring again in a fresh one%n",
                    perTrip);
            perTrip = SteadyStateAllocationTest.probe(cmd, "epoll (udp)");
        }
        assertThat(perTrip).as("bytes allocated per UDP round trip").isLessThan(1.0);
    }
}
