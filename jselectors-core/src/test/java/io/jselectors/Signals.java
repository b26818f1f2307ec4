package io.jselectors;

import io.jselectors.internal.os.Native;
import io.jselectors.internal.os.Platform;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test helper that makes a blocked system call fail with EINTR: a Java handler is installed for a
 * harmless signal (SIGWINCH), so the JVM's native handler catches it; {@code pthread_kill} then aims it
 * at the one thread that blocks. epoll_wait, poll and select are never restarted after a handler
 * (signal(7)), whatever SA_RESTART says, so they return EINTR.
 *
 * <p>{@code sun.misc.Signal} is reached by reflection: the tests are compiled into the named module
 * {@code io.jselectors}, which does not read {@code jdk.unsupported}, but run on the class path, where
 * everything is readable.
 */
public final class Signals implements AutoCloseable {
    /** SIGWINCH on Linux (x86_64 and the generic numbering of aarch64). */
    public static final int SIGWINCH = 28;

    private static final MethodHandle PTHREAD_SELF = Native.plainDowncallIfPresent(
                    "pthread_self", FunctionDescriptor.of(ValueLayout.JAVA_LONG))
            .orElseThrow();
    private static final MethodHandle PTHREAD_KILL = Native.plainDowncallIfPresent(
                    "pthread_kill", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT))
            .orElseThrow();

    private final Method handle;
    private final Object signal;
    private final Object previous;
    /** How many signals the Java handler has seen. */
    public final AtomicInteger delivered = new AtomicInteger();

    /** Installs the counting handler; {@link #close()} restores the previous one. */
    public Signals() {
        if (!Platform.isLinux()) {
            throw new IllegalStateException("signal numbers here are Linux's");
        }
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            handle = signalClass.getMethod("handle", signalClass, handlerClass);
            signal = signalClass.getConstructor(String.class).newInstance("WINCH");
            Object counting = Proxy.newProxyInstance(
                    Signals.class.getClassLoader(), new Class<?>[] {handlerClass}, (proxy, method, args) -> {
                        if (method.getName().equals("handle")) {
                            delivered.incrementAndGet();
                            return null;
                        }
                        return switch (method.getName()) {
                            case "hashCode" -> System.identityHashCode(proxy);
                            case "equals" -> proxy == args[0];
                            default -> "counting SIGWINCH handler";
                        };
                    });
            previous = handle.invoke(null, signal, counting);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot install a SIGWINCH handler through sun.misc.Signal", e);
        }
    }

    /** @return the calling thread's pthread_t */
    public static long self() {
        try {
            return (long) PTHREAD_SELF.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Sends SIGWINCH to one thread. */
    public static void kill(long thread) {
        int r;
        try {
            r = (int) PTHREAD_KILL.invokeExact(thread, SIGWINCH);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (r != 0) {
            throw new IllegalStateException("pthread_kill failed: error " + r);
        }
    }

    /**
     * Starts a daemon thread that signals {@code target} every {@code periodMillis} until the returned
     * handle is closed.
     */
    public static Pelter pelt(long target, long periodMillis) {
        return new Pelter(target, periodMillis);
    }

    @Override
    public void close() {
        try {
            handle.invoke(null, signal, previous);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot restore the SIGWINCH handler", e);
        }
    }

    /** A thread that keeps signalling one target thread. */
    public static final class Pelter implements AutoCloseable {
        private final Thread thread;
        private volatile boolean stop;
        /** How many signals were sent. */
        public final AtomicInteger sent = new AtomicInteger();

        private Pelter(long target, long periodMillis) {
            thread = Thread.ofPlatform().daemon().name("signal-pelter").start(() -> {
                while (!stop) {
                    try {
                        Thread.sleep(periodMillis);
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (!stop) {
                        kill(target);
                        sent.incrementAndGet();
                    }
                }
            });
        }

        @Override
        public void close() {
            stop = true;
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stopping the signal thread", e);
            }
        }
    }
}
