package io.jselectors.loop;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The failures of trying a name's addresses one after another (connecting to them, or binding them), and
 * the one exception to report when all failed: the single failure itself, or a {@link ConnectException}
 * (or plain {@link IOException} for binding) naming every address with its error, each failure attached
 * as a suppressed exception.
 */
final class AddressAttempts {
    private final List<SocketAddress> addresses = new ArrayList<>();
    private final List<Throwable> failures = new ArrayList<>();

    void failed(SocketAddress address, Throwable failure) {
        addresses.add(address);
        failures.add(failure);
    }

    int count() {
        return failures.size();
    }

    /** @return ", after trying [::1]:80 (ECONNREFUSED ...)" for a message, or "" when none was tried */
    String tried() {
        return count() == 0 ? "" : ", after " + list();
    }

    /**
     * @param what    "connect to" or "listen on"
     * @param target  "localhost:8080"
     * @param connect true for a {@link ConnectException}
     * @return the failure to report; needs at least one attempt
     */
    Throwable allFailed(String what, String target, boolean connect) {
        if (failures.size() == 1) {
            return failures.get(0);
        }
        String message = "cannot " + what + " " + target + ": each of its " + failures.size() + " addresses failed: "
                + list();
        IOException e = connect ? new ConnectException(message) : new IOException(message);
        for (Throwable t : failures) {
            e.addSuppressed(t);
        }
        return e;
    }

    private String list() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < failures.size(); i++) {
            b.append(i == 0 ? "" : "; ").append(describe(addresses.get(i))).append(" (").append(failures.get(i).getMessage())
                    .append(')');
        }
        return b.toString();
    }

    /** @return "127.0.0.1:80", "[::1]:80" (as the JDK spells it), or the address as it prints itself */
    static String describe(SocketAddress a) {
        if (a instanceof InetSocketAddress inet && inet.getAddress() != null) {
            String host = inet.getAddress().getHostAddress();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return String.valueOf(a);
    }
}
