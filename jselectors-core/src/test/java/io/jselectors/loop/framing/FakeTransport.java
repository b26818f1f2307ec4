package io.jselectors.loop.framing;

import io.jselectors.loop.Transport;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Proxy;

/**
 * A transport with no socket, for driving a framing by hand: records what is written and how it ends.
 * A proxy, so that methods the framings do not call need no stand-in (they throw).
 */
final class FakeTransport {
    final ByteArrayOutputStream written = new ByteArrayOutputStream();
    int writeCalls;
    boolean closed;
    boolean aborted;
    /** The cause given to abort(Throwable). */
    Throwable abortCause;
    boolean readingPaused;
    /** The transport the framing sees. */
    final Transport api = (Transport) Proxy.newProxyInstance(Transport.class.getClassLoader(),
            new Class<?>[] {Transport.class}, (proxy, method, args) -> switch (method.getName()) {
                case "write" -> {
                    writeCalls++;
                    written.writeBytes(bytesOf(args[0]));
                    yield null;
                }
                case "writev" -> {
                    writeCalls++;
                    for (MemorySegment s : (MemorySegment[]) args[0]) {
                        written.writeBytes(bytesOf(s));
                    }
                    yield null;
                }
                case "close" -> {
                    closed = true;
                    yield null;
                }
                case "abort" -> {
                    aborted = true;
                    abortCause = args == null ? null : (Throwable) args[0];
                    yield null;
                }
                case "pauseReading" -> {
                    readingPaused = true;
                    yield null;
                }
                case "isClosing" -> closed || aborted;
                case "toString" -> "FakeTransport";
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> throw new UnsupportedOperationException(method.getName() + " on a fake transport");
            });

    private static byte[] bytesOf(Object data) {
        return switch (data) {
            case MemorySegment s -> s.toArray(ValueLayout.JAVA_BYTE);
            case byte[] b -> b.clone();
            default -> throw new UnsupportedOperationException("write of " + data.getClass());
        };
    }
}
