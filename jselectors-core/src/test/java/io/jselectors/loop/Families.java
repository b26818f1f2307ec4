package io.jselectors.loop;

import io.jselectors.net.ListeningSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.provider.Arguments;

/** Address families for the transport tests: TCP over 127.0.0.1 and ::1, and Unix sockets. */
final class Families {
    private static final AtomicInteger UNIX_SEQ = new AtomicInteger();
    private static Boolean ipv6;
    private static String ipv6Reason;

    private Families() {}

    /** @return every (backend, family) pair */
    static List<Arguments> all() {
        List<Arguments> out = new ArrayList<>();
        for (String b : Backends.names()) {
            for (String f : List.of("tcp4", "tcp6", "unix")) {
                out.add(Arguments.of(b, f));
            }
        }
        return out;
    }

    /** @return an address to listen on; skips the test, with the reason printed, without ::1 */
    static SocketAddress listenAddress(String family) throws IOException {
        return switch (family) {
            case "tcp4" -> new InetSocketAddress("127.0.0.1", 0);
            case "tcp6" -> {
                assumeIpv6();
                yield new InetSocketAddress(InetAddress.getByName("::1"), 0);
            }
            case "unix" -> {
                Path dir = Path.of(System.getProperty("java.io.tmpdir"));
                Path p = dir.resolve("jsl-loop-" + ProcessHandle.current().pid() + "-" + UNIX_SEQ.incrementAndGet() + ".sock");
                Files.deleteIfExists(p);
                yield UnixDomainSocketAddress.of(p);
            }
            default -> throw new IllegalArgumentException(family);
        };
    }

    private static synchronized void assumeIpv6() {
        if (ipv6 == null) {
            try (ListeningSocket l = ListeningSocket.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0))) {
                l.localAddress();
                ipv6 = true;
            } catch (Exception e) {
                ipv6 = false;
                ipv6Reason = "IPv6 transport tests skipped: cannot listen on [::1] here (" + e.getMessage() + ")";
                System.out.println(ipv6Reason);
            }
        }
        Assumptions.assumeTrue(ipv6, ipv6Reason);
    }
}
