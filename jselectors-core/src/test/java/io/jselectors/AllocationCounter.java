package io.jselectors;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The calling thread's allocated-bytes counter ({@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes}).
 *
 * <p>Reached through method handles: the tests are compiled into the named module {@code io.jselectors},
 * which reads neither {@code java.management} nor {@code jdk.management}, but run on the class path,
 * where both are readable. The handle is exact ({@code (Object)long}), so reading the counter boxes nothing.
 */
final class AllocationCounter {
    private static final Object BEAN;
    private static final MethodHandle ALLOCATED;

    static {
        try {
            Class<?> factory = Class.forName("java.lang.management.ManagementFactory");
            BEAN = factory.getMethod("getThreadMXBean").invoke(null);
            Class<?> sunBean = Class.forName("com.sun.management.ThreadMXBean");
            if (!sunBean.isInstance(BEAN)) {
                throw new IllegalStateException("this JVM's ThreadMXBean has no allocation counter");
            }
            if (!(boolean) sunBean.getMethod("isThreadAllocatedMemorySupported").invoke(BEAN)) {
                throw new IllegalStateException("this JVM does not count allocated bytes per thread");
            }
            sunBean.getMethod("setThreadAllocatedMemoryEnabled", boolean.class).invoke(BEAN, true);
            ALLOCATED = MethodHandles.publicLookup()
                    .findVirtual(sunBean, "getCurrentThreadAllocatedBytes", MethodType.methodType(long.class))
                    .asType(MethodType.methodType(long.class, Object.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private AllocationCounter() {}

    /** @return the bytes the calling thread has allocated so far */
    static long currentThread() {
        try {
            return (long) ALLOCATED.invokeExact(BEAN);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
