package io.jselectors.internal.os;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Socket addresses: the Linux layouts of {@code sockaddr_in}, {@code sockaddr_in6}, {@code sockaddr_un}
 * and {@code sockaddr_storage} (checked with offsetof/sizeof on this machine), and conversion to and from
 * {@link InetSocketAddress} and {@link UnixDomainSocketAddress}.
 *
 * <pre>
 * sockaddr_in   16 bytes: u16 family (host order) | u16 port (big endian) | 4 address bytes | 8 zero
 * sockaddr_in6  28 bytes: u16 family | u16 port (BE) | u32 flowinfo (BE) | 16 address bytes | u32 scope id
 * sockaddr_un  110 bytes: u16 family | 108 path bytes, NUL-terminated
 * </pre>
 */
public final class SockAddr {
    /** {@code sizeof(struct sockaddr_storage)}: room for any address. */
    public static final int STORAGE_SIZE = 128;
    /** {@code sizeof(struct sockaddr_in)}. */
    public static final int IN_SIZE = 16;
    /** {@code sizeof(struct sockaddr_in6)}. */
    public static final int IN6_SIZE = 28;
    /** {@code sizeof(struct sockaddr_un)}. */
    public static final int UN_SIZE = 110;
    /** Offset of {@code sun_path}. */
    public static final int UN_PATH_OFFSET = 2;
    /** The longest Unix socket path in bytes (the last of the 108 is the NUL). */
    public static final int UN_PATH_MAX = UN_SIZE - UN_PATH_OFFSET - 1;

    private static final ValueLayout.OfShort U16_HOST = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfShort U16_NET = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32_HOST = ValueLayout.JAVA_INT_UNALIGNED;
    private static final Charset PATH_CHARSET = pathCharset();

    private SockAddr() {}

    /**
     * Returns the address family of an address.
     *
     * @param address an {@link InetSocketAddress} or {@link UnixDomainSocketAddress}
     * @return {@link Sockets#AF_INET}, {@link Sockets#AF_INET6} or {@link Sockets#AF_UNIX}
     * @throws IllegalArgumentException for other address types or an unresolved host
     */
    public static int family(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            InetAddress a = inet.getAddress();
            if (a == null) {
                throw new IllegalArgumentException("address " + inet + " is unresolved: resolve the host name first");
            }
            return a instanceof Inet4Address ? Sockets.AF_INET : Sockets.AF_INET6;
        }
        if (address instanceof UnixDomainSocketAddress) {
            return Sockets.AF_UNIX;
        }
        throw new IllegalArgumentException("unsupported address type "
                + (address == null ? "null" : address.getClass().getName())
                + ": use InetSocketAddress or UnixDomainSocketAddress");
    }

    /**
     * Writes an address in its C form.
     *
     * @param address the address
     * @param out     at least {@link #STORAGE_SIZE} bytes; cleared first
     * @return the length to pass as {@code socklen_t}
     * @throws IllegalArgumentException for an unsupported address or a Unix path over {@link #UN_PATH_MAX} bytes
     */
    public static int encode(SocketAddress address, MemorySegment out) {
        int family = family(address);
        MemorySegment s = out.asSlice(0, STORAGE_SIZE);
        s.fill((byte) 0);
        s.set(U16_HOST, 0, (short) family);
        if (address instanceof InetSocketAddress inet) {
            byte[] ip = inet.getAddress().getAddress();
            s.set(U16_NET, 2, (short) inet.getPort());
            if (family == Sockets.AF_INET) {
                MemorySegment.copy(ip, 0, s, ValueLayout.JAVA_BYTE, 4, 4);
                return IN_SIZE;
            }
            MemorySegment.copy(ip, 0, s, ValueLayout.JAVA_BYTE, 8, 16);
            s.set(U32_HOST, 24, ((Inet6Address) inet.getAddress()).getScopeId());
            return IN6_SIZE;
        }
        byte[] path = ((UnixDomainSocketAddress) address).getPath().toString().getBytes(PATH_CHARSET);
        if (path.length > UN_PATH_MAX) {
            throw new IllegalArgumentException("Unix socket path is " + path.length + " bytes, the limit is "
                    + UN_PATH_MAX + ": use a shorter path, e.g. a relative one or one under /tmp (" + address + ")");
        }
        MemorySegment.copy(path, 0, s, ValueLayout.JAVA_BYTE, UN_PATH_OFFSET, path.length);
        return UN_PATH_OFFSET + path.length + (path.length == 0 ? 0 : 1);
    }

    /**
     * Reads an address from its C form.
     *
     * @param in  the bytes the kernel wrote
     * @param len the length the kernel reported
     * @return an {@link InetSocketAddress} or a {@link UnixDomainSocketAddress} (an empty path for an
     *     unnamed Unix socket)
     * @throws IllegalArgumentException for an unknown family
     */
    public static SocketAddress decode(MemorySegment in, int len) {
        int family = Short.toUnsignedInt(in.get(U16_HOST, 0));
        try {
            if (family == Sockets.AF_INET) {
                byte[] ip = new byte[4];
                MemorySegment.copy(in, ValueLayout.JAVA_BYTE, 4, ip, 0, 4);
                return new InetSocketAddress(InetAddress.getByAddress(ip), port(in));
            }
            if (family == Sockets.AF_INET6) {
                byte[] ip = new byte[16];
                MemorySegment.copy(in, ValueLayout.JAVA_BYTE, 8, ip, 0, 16);
                int scope = in.get(U32_HOST, 24);
                InetAddress a = scope != 0 ? Inet6Address.getByAddress(null, ip, scope) : InetAddress.getByAddress(ip);
                return new InetSocketAddress(a, port(in));
            }
        } catch (UnknownHostException e) {
            throw new AssertionError("address bytes of the right length were refused", e);
        }
        if (family == Sockets.AF_UNIX) {
            int n = 0;
            int max = Math.max(0, Math.min(len, UN_SIZE) - UN_PATH_OFFSET);
            while (n < max && in.get(ValueLayout.JAVA_BYTE, UN_PATH_OFFSET + n) != 0) {
                n++;
            }
            byte[] path = new byte[n];
            MemorySegment.copy(in, ValueLayout.JAVA_BYTE, UN_PATH_OFFSET, path, 0, n);
            return UnixDomainSocketAddress.of(Path.of(new String(path, PATH_CHARSET)));
        }
        throw new IllegalArgumentException("unknown address family " + family);
    }

    private static int port(MemorySegment in) {
        return Short.toUnsignedInt(in.get(U16_NET, 2));
    }

    private static Charset pathCharset() {
        String name = System.getProperty("sun.jnu.encoding");
        try {
            return name != null ? Charset.forName(name) : StandardCharsets.UTF_8;
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }
}
