package io.jselectors.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/** TCP over IPv6 loopback; skipped, with the reason printed, where this machine has no ::1. */
class Tcp6Test extends TcpContract {
    @BeforeAll
    static void needsIpv6Loopback() throws Exception {
        String reason = null;
        try (ListeningSocket l = ListeningSocket.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0))) {
            l.localAddress();
        } catch (Exception e) {
            reason = "Tcp6Test skipped: cannot listen on [::1] here (" + e.getMessage() + ")";
            System.out.println(reason);
        }
        Assumptions.assumeTrue(reason == null, reason);
    }

    @Override
    InetAddress loopback() throws Exception {
        return InetAddress.getByName("::1");
    }
}
