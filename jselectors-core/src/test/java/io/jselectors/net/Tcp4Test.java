package io.jselectors.net;

import java.net.InetAddress;

/** TCP over IPv4 loopback. */
class Tcp4Test extends TcpContract {
    @Override
    InetAddress loopback() throws Exception {
        return InetAddress.getByName("127.0.0.1");
    }
}
