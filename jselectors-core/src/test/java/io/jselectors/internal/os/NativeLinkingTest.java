package io.jselectors.internal.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How Native links hot calls: constant handles that say what is missing, and system calls without cancellation. */
class NativeLinkingTest {
    private static final FunctionDescriptor INT_OF_INT = FunctionDescriptor.of(Native.C_INT, Native.C_INT);

    @Test
    void aMissingFunctionThrowsNamingIt() {
        MethodHandle h = Native.orUnavailable(Optional.empty(), "no_such_call", INT_OF_INT, true);
        assertThat(h.type().parameterList()).containsExactly(MemorySegment.class, int.class);
        assertThatThrownBy(() -> {
            int r = (int) h.invokeExact(Native.errnoState(), 1);
        }).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("no_such_call is not available on");
        // A new exception each call, with the caller's stack, not one shared instance.
        Throwable first = catchThrowable(h);
        Throwable second = catchThrowable(h);
        assertThat(first).isNotSameAs(second);
    }

    @Test
    void aPresentFunctionIsTheHandleItself() {
        MethodHandle linked = Native.downcall("dup", INT_OF_INT);
        assertThat(Native.orUnavailable(Optional.of(linked), "dup", INT_OF_INT, true)).isSameAs(linked);
    }

    private static Throwable catchThrowable(MethodHandle h) {
        try {
            int r = (int) h.invokeExact(Native.errnoState(), 1);
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    /**
     * withoutCancellation: through syscall(2) where the table has the number (Linux), through the C wrapper
     * elsewhere; the same results and errno either way.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"current", "macos-aarch64"})
    void readWithoutCancellationBehavesAsRead(String profile) throws Throwable {
        AbiTable table = profile.equals("current") ? Abi.CURRENT : Abi.of(profile);
        MethodHandle read = Native.withoutCancellation(table, "SYS_read", "read",
                FunctionDescriptor.of(Native.C_SIZE_T, Native.C_INT, Native.C_POINTER, Native.C_SIZE_T));
        MemorySegment st = Native.errnoState();
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(16);
            long n = (long) read.invokeExact(st, -1, buf, 16L);
            assertThat(n).isEqualTo(-1);
            assertThat(Native.errno(st)).isEqualTo(Errno.EBADF);
            MemorySegment fds = arena.allocate(8);
            Unistd.pipe2(fds, 0);
            int[] p = {fds.get(java.lang.foreign.ValueLayout.JAVA_INT, 0), fds.get(java.lang.foreign.ValueLayout.JAVA_INT, 4)};
            try {
                Unistd.write(p[1], arena.allocateFrom("hi"));
                n = (long) read.invokeExact(st, p[0], buf, 16L);
                assertThat(n).isEqualTo(3);
                assertThat(buf.getString(0)).isEqualTo("hi");
            } finally {
                Unistd.close(p[0]);
                Unistd.close(p[1]);
            }
        }
    }
}
