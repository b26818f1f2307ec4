package io.jselectors.internal.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Native.orUnavailable: a constant handle for hot calls, which says what is missing where the function is. */
class NativeUnavailableTest {
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
}
