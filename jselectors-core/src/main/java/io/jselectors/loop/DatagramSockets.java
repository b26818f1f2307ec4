package io.jselectors.loop;

import io.jselectors.net.DatagramSocket;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;

/** Opens the socket of a datagram endpoint from its local and remote addresses. */
final class DatagramSockets {
    private DatagramSockets() {}

    /**
     * Binds to {@code local} (or lets the system pick, in {@code remote}'s family), applies the options,
     * and connects to {@code remote} when given. On failure nothing stays open.
     */
    static DatagramSocket open(SocketAddress local, SocketAddress remote, DatagramOptions options)
            throws IOException {
        DatagramSocket s;
        if (local != null) {
            s = DatagramSocket.bind(local);
        } else if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
            s = DatagramSocket.open(inet.getAddress() instanceof Inet4Address
                    ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
        } else {
            throw new IllegalArgumentException(remote == null
                    ? "a datagram endpoint needs a local address, a remote one, or both"
                    : "remote " + remote + " is not a resolved InetSocketAddress: resolve the host name first");
        }
        try {
            applyOptions(s, options);
            if (remote != null) {
                s.connect(remote);
            }
        } catch (IOException | RuntimeException e) {
            DatagramEndpoint.closeQuietly(s);
            throw e;
        }
        return s;
    }

    static void applyOptions(DatagramSocket s, DatagramOptions options) throws IOException {
        if (options.broadcast() && !s.isUnix()) {
            s.setBroadcast(true);
        }
    }
}
