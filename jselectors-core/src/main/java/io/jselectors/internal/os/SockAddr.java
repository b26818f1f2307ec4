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
 * Socket addresses: {@code sockaddr_in}, {@code sockaddr_in6}, {@code sockaddr_un} and
 * {@code sockaddr_storage} as a platform's table lays them out, and conversion to and from
 * {@link InetSocketAddress} and {@link UnixDomainSocketAddress}.
 *
 * <pre>
 * Linux        u16 family (host order) | u16 port (big endian) | ...
 * BSD, macOS   u8 length | u8 family   | u16 port (big endian) | ...
 * sockaddr_in   16 bytes: ... | 4 address bytes at 4 | 8 zero
 * sockaddr_in6  28 bytes: ... | u32 flowinfo (BE) at 4 | 16 address bytes at 8 | u32 scope id at 24
 * sockaddr_un  110 bytes (Linux), 106 (BSD): ... | path bytes at 2, NUL-terminated
 * </pre>
 *
 * <p>The static methods use the running platform's {@link Layout}; the ones taking a {@code Layout}
 * work on any profile's, so that tests check each layout here.
 */
public final class SockAddr {
    /**
     * The address facts of one profile.
     *
     * @param afInet        {@code AF_INET}
     * @param afInet6       {@code AF_INET6}
     * @param afUnix        {@code AF_UNIX}
     * @param familyOffset  offset of the family in every sockaddr (0 on Linux, 1 on the BSDs)
     * @param familySize    {@code sizeof(sa_family_t)}: 2 on Linux, 1 on the BSDs
     * @param lenOffset     offset of {@code sin_len}/{@code sin6_len}/{@code sun_len}, or -1 (Linux has none)
     * @param storageSize   {@code sizeof(struct sockaddr_storage)}
     * @param inSize        {@code sizeof(struct sockaddr_in)}
     * @param inPort        offset of {@code sin_port}
     * @param inAddr        offset of {@code sin_addr}
     * @param in6Size       {@code sizeof(struct sockaddr_in6)}
     * @param in6Port       offset of {@code sin6_port}
     * @param in6Addr       offset of {@code sin6_addr}
     * @param in6Scope      offset of {@code sin6_scope_id}
     * @param unSize        {@code sizeof(struct sockaddr_un)}
     * @param unPath        offset of {@code sun_path}
     */
    public record Layout(int afInet, int afInet6, int afUnix, int familyOffset, int familySize, int lenOffset,
            int storageSize, int inSize, int inPort, int inAddr, int in6Size, int in6Port, int in6Addr, int in6Scope,
            int unSize, int unPath) {
        /**
         * @param t a profile's table
         * @return its address layout
         */
        public static Layout of(AbiTable t) {
            int familyOffset = t.offsetOf("sockaddr_in.sin_family");
            if (t.offsetOf("sockaddr_in6.sin6_family") != familyOffset
                    || t.offsetOf("sockaddr_un.sun_family") != familyOffset) {
                throw new IllegalStateException(t.profile() + ": the family is not at one offset in every sockaddr");
            }
            return new Layout(t.constant("AF_INET"), t.constant("AF_INET6"), t.constant("AF_UNIX"), familyOffset,
                    t.sizeOf("sa_family_t"), t.offsetOfOr("sockaddr_in.sin_len", -1), t.sizeOf("sockaddr_storage"),
                    t.sizeOf("sockaddr_in"), t.offsetOf("sockaddr_in.sin_port"), t.offsetOf("sockaddr_in.sin_addr"),
                    t.sizeOf("sockaddr_in6"), t.offsetOf("sockaddr_in6.sin6_port"),
                    t.offsetOf("sockaddr_in6.sin6_addr"), t.offsetOf("sockaddr_in6.sin6_scope_id"),
                    t.sizeOf("sockaddr_un"), t.offsetOf("sockaddr_un.sun_path"));
        }

        /** @return the longest Unix socket path in bytes (the last byte of sun_path is the NUL) */
        public int unPathMax() {
            return unSize - unPath - 1;
        }
    }

    /** The running platform's layout. */
    public static final Layout CURRENT = Layout.of(Abi.CURRENT);
    /** {@code sizeof(struct sockaddr_storage)}: room for any address. */
    public static final int STORAGE_SIZE = CURRENT.storageSize();
    /** {@code sizeof(struct sockaddr_in)}. */
    public static final int IN_SIZE = CURRENT.inSize();
    /** {@code sizeof(struct sockaddr_in6)}. */
    public static final int IN6_SIZE = CURRENT.in6Size();
    /** {@code sizeof(struct sockaddr_un)}. */
    public static final int UN_SIZE = CURRENT.unSize();
    /** Offset of {@code sun_path}. */
    public static final int UN_PATH_OFFSET = CURRENT.unPath();
    /** The longest Unix socket path in bytes (the last byte of {@code sun_path} is the NUL). */
    public static final int UN_PATH_MAX = CURRENT.unPathMax();

    private static final ValueLayout.OfShort U16_HOST = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfShort U16_NET = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32_HOST = ValueLayout.JAVA_INT_UNALIGNED;
    private static final Charset PATH_CHARSET = pathCharset();

    private SockAddr() {}

    /**
     * Returns the address family of an address on this platform.
     *
     * @param address an {@link InetSocketAddress} or {@link UnixDomainSocketAddress}
     * @return {@link Sockets#AF_INET}, {@link Sockets#AF_INET6} or {@link Sockets#AF_UNIX}
     * @throws IllegalArgumentException for other address types or an unresolved host
     */
    public static int family(SocketAddress address) {
        return family(CURRENT, address);
    }

    /**
     * Returns the address family of an address in a given layout.
     *
     * @param layout  the platform's layout
     * @param address an {@link InetSocketAddress} or {@link UnixDomainSocketAddress}
     * @return the layout's {@code AF_INET}, {@code AF_INET6} or {@code AF_UNIX}
     * @throws IllegalArgumentException for other address types or an unresolved host
     */
    public static int family(Layout layout, SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            InetAddress a = inet.getAddress();
            if (a == null) {
                throw new IllegalArgumentException("address " + inet + " is unresolved: resolve the host name first");
            }
            return a instanceof Inet4Address ? layout.afInet() : layout.afInet6();
        }
        if (address instanceof UnixDomainSocketAddress) {
            return layout.afUnix();
        }
        throw new IllegalArgumentException("unsupported address type "
                + (address == null ? "null" : address.getClass().getName())
                + ": use InetSocketAddress or UnixDomainSocketAddress");
    }

    /**
     * Writes an address in this platform's C form.
     *
     * @param address the address
     * @param out     at least {@link #STORAGE_SIZE} bytes; cleared first
     * @return the length to pass as {@code socklen_t}
     * @throws IllegalArgumentException for an unsupported address or a Unix path over {@link #UN_PATH_MAX} bytes
     */
    public static int encode(SocketAddress address, MemorySegment out) {
        return encode(CURRENT, address, out);
    }

    /**
     * Writes an address in a given layout's C form.
     *
     * @param layout  the platform's layout
     * @param address the address
     * @param out     at least {@code layout.storageSize()} bytes; cleared first
     * @return the length to pass as {@code socklen_t}
     * @throws IllegalArgumentException for an unsupported address or a Unix path too long for sun_path
     */
    public static int encode(Layout layout, SocketAddress address, MemorySegment out) {
        return encode(layout, address, out, false);
    }

    /**
     * Writes an address for a socket of a given family: for an IPv6 socket an IPv4 address becomes its
     * IPv4-mapped IPv6 form {@code ::ffff:a.b.c.d} (Java turns every mapped address it reads into an
     * {@link Inet4Address}, so a dual-stack socket's peers come back as IPv4 and must be sent to as mapped).
     *
     * @param socketFamily the socket's family
     * @param address      the address
     * @param out          at least {@link #STORAGE_SIZE} bytes; cleared first
     * @return the length to pass as {@code socklen_t}
     * @throws IllegalArgumentException for an unsupported address, or an IPv6 address for an IPv4 socket
     */
    public static int encodeFor(int socketFamily, SocketAddress address, MemorySegment out) {
        int family = family(address);
        if (family == socketFamily) {
            return encode(CURRENT, address, out, false);
        }
        if (socketFamily == CURRENT.afInet6() && family == CURRENT.afInet()) {
            return encode(CURRENT, address, out, true);
        }
        throw new IllegalArgumentException("cannot use " + address + " with a socket of address family "
                + socketFamily + ": an IPv4 socket reaches IPv4 addresses only (open an IPv6 socket for both)");
    }

    /**
     * Writes an {@code AF_UNSPEC} address the size of a socket family's own, for connect() to dissolve a
     * datagram socket's association.
     *
     * @param socketFamily the socket's family
     * @param out          at least {@link #STORAGE_SIZE} bytes; cleared first
     * @return the length to pass as {@code socklen_t}
     */
    public static int encodeUnspec(int socketFamily, MemorySegment out) {
        MemorySegment s = out.asSlice(0, STORAGE_SIZE);
        s.fill((byte) 0);
        int len = socketFamily == CURRENT.afInet6() ? IN6_SIZE : IN_SIZE;
        if (CURRENT.familySize() == 1) {
            s.set(ValueLayout.JAVA_BYTE, CURRENT.familyOffset(), (byte) Sockets.AF_UNSPEC);
        } else {
            s.set(U16_HOST, CURRENT.familyOffset(), (short) Sockets.AF_UNSPEC);
        }
        if (CURRENT.lenOffset() >= 0) {
            s.set(ValueLayout.JAVA_BYTE, CURRENT.lenOffset(), (byte) len);
        }
        return len;
    }

    private static int encode(Layout layout, SocketAddress address, MemorySegment out, boolean mapV4) {
        int family = mapV4 ? layout.afInet6() : family(layout, address);
        MemorySegment s = out.asSlice(0, layout.storageSize());
        s.fill((byte) 0);
        int len;
        if (address instanceof InetSocketAddress inet) {
            byte[] ip = inet.getAddress().getAddress();
            if (mapV4) {
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(ip, 0, mapped, 12, 4);
                ip = mapped;
            }
            if (family == layout.afInet()) {
                s.set(U16_NET, layout.inPort(), (short) inet.getPort());
                MemorySegment.copy(ip, 0, s, ValueLayout.JAVA_BYTE, layout.inAddr(), 4);
                len = layout.inSize();
            } else {
                s.set(U16_NET, layout.in6Port(), (short) inet.getPort());
                MemorySegment.copy(ip, 0, s, ValueLayout.JAVA_BYTE, layout.in6Addr(), 16);
                if (inet.getAddress() instanceof Inet6Address v6) {
                    s.set(U32_HOST, layout.in6Scope(), v6.getScopeId());
                }
                len = layout.in6Size();
            }
        } else {
            byte[] path = ((UnixDomainSocketAddress) address).getPath().toString().getBytes(PATH_CHARSET);
            if (path.length > layout.unPathMax()) {
                throw new IllegalArgumentException("Unix socket path is " + path.length + " bytes, the limit is "
                        + layout.unPathMax() + ": use a shorter path, e.g. a relative one or one under /tmp (" + address
                        + ")");
            }
            MemorySegment.copy(path, 0, s, ValueLayout.JAVA_BYTE, layout.unPath(), path.length);
            len = layout.unPath() + path.length + (path.length == 0 ? 0 : 1);
        }
        if (layout.familySize() == 1) {
            s.set(ValueLayout.JAVA_BYTE, layout.familyOffset(), (byte) family);
        } else {
            s.set(U16_HOST, layout.familyOffset(), (short) family);
        }
        if (layout.lenOffset() >= 0) {
            s.set(ValueLayout.JAVA_BYTE, layout.lenOffset(), (byte) len);
        }
        return len;
    }

    /**
     * Reads an address from this platform's C form.
     *
     * @param in  the bytes the kernel wrote
     * @param len the length the kernel reported
     * @return an {@link InetSocketAddress} or a {@link UnixDomainSocketAddress} (an empty path for an
     *     unnamed Unix socket)
     * @throws IllegalArgumentException for an unknown family
     */
    public static SocketAddress decode(MemorySegment in, int len) {
        return decode(CURRENT, in, len);
    }

    /**
     * Reads an address from a given layout's C form.
     *
     * @param layout the platform's layout
     * @param in     the bytes
     * @param len    the length the kernel reported
     * @return an {@link InetSocketAddress} or a {@link UnixDomainSocketAddress}
     * @throws IllegalArgumentException for an unknown family
     */
    public static SocketAddress decode(Layout layout, MemorySegment in, int len) {
        int family = layout.familySize() == 1
                ? Byte.toUnsignedInt(in.get(ValueLayout.JAVA_BYTE, layout.familyOffset()))
                : Short.toUnsignedInt(in.get(U16_HOST, layout.familyOffset()));
        try {
            if (family == layout.afInet()) {
                byte[] ip = new byte[4];
                MemorySegment.copy(in, ValueLayout.JAVA_BYTE, layout.inAddr(), ip, 0, 4);
                return new InetSocketAddress(InetAddress.getByAddress(ip), port(in, layout.inPort()));
            }
            if (family == layout.afInet6()) {
                byte[] ip = new byte[16];
                MemorySegment.copy(in, ValueLayout.JAVA_BYTE, layout.in6Addr(), ip, 0, 16);
                int scope = in.get(U32_HOST, layout.in6Scope());
                InetAddress a = scope != 0 ? Inet6Address.getByAddress(null, ip, scope) : InetAddress.getByAddress(ip);
                return new InetSocketAddress(a, port(in, layout.in6Port()));
            }
        } catch (UnknownHostException e) {
            throw new AssertionError("address bytes of the right length were refused", e);
        }
        if (family == layout.afUnix()) {
            int n = 0;
            int max = Math.max(0, Math.min(len, layout.unSize()) - layout.unPath());
            while (n < max && in.get(ValueLayout.JAVA_BYTE, layout.unPath() + n) != 0) {
                n++;
            }
            byte[] path = new byte[n];
            MemorySegment.copy(in, ValueLayout.JAVA_BYTE, layout.unPath(), path, 0, n);
            return UnixDomainSocketAddress.of(Path.of(new String(path, PATH_CHARSET)));
        }
        throw new IllegalArgumentException("unknown address family " + family);
    }

    private static int port(MemorySegment in, int offset) {
        return Short.toUnsignedInt(in.get(U16_NET, offset));
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
