package io.jselectors.internal.os;

import static io.jselectors.internal.os.Native.C_INT;
import static io.jselectors.internal.os.Native.C_POINTER;

import io.jselectors.ErrnoException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** BSD sockets from {@code <sys/socket.h>}: constants and downcalls. */
public final class Sockets {
    /** Unix domain sockets. */
    public static final int AF_UNIX = 1;
    /** Stream sockets. */
    public static final int SOCK_STREAM = 1;
    /** Datagram sockets. */
    public static final int SOCK_DGRAM = 2;
    /** socket()/socketpair()/accept4() type flag: non-blocking. */
    public static final int SOCK_NONBLOCK = 0x800;
    /** socket()/socketpair()/accept4() type flag: close on exec. */
    public static final int SOCK_CLOEXEC = 0x80000;

    private static final MethodHandle SOCKETPAIR =
            Native.downcall("socketpair", FunctionDescriptor.of(C_INT, C_INT, C_INT, C_INT, C_POINTER));

    private Sockets() {}

    /**
     * Creates a pair of connected sockets.
     *
     * @param domain   {@link #AF_UNIX}
     * @param type     {@link #SOCK_STREAM} or {@link #SOCK_DGRAM}, with {@link #SOCK_NONBLOCK}/{@link #SOCK_CLOEXEC}
     * @param protocol 0
     * @param fds      two C ints receiving the descriptors
     * @throws ErrnoException on EMFILE, ENFILE, ...
     */
    public static void socketpair(int domain, int type, int protocol, MemorySegment fds) throws ErrnoException {
        if (fds.byteSize() < 2 * C_INT.byteSize()) {
            throw new IllegalArgumentException("socketpair needs room for two ints, got " + fds.byteSize() + " bytes");
        }
        MemorySegment st = Native.errnoState();
        int r;
        try {
            r = (int) SOCKETPAIR.invokeExact(st, domain, type, protocol, fds);
        } catch (Throwable t) {
            throw Native.linkageFailure(t);
        }
        if (r < 0) {
            throw Native.error("socketpair(domain=" + domain + ", type=0x" + Integer.toHexString(type) + ")", st);
        }
    }
}
