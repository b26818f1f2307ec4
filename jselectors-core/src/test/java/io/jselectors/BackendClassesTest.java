package io.jselectors;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The contract's shape of a backend: "a public final class in io.jselectors with public static X open()
 * throws IOException and public static boolean isAvailable()", each a {@link Selector}.
 */
class BackendClassesTest {
    private static final List<Class<?>> BACKENDS =
            List.of(EpollSelector.class, PollSelector.class, SelectSelector.class, KqueueSelector.class);

    @Test
    void everyBackendIsAPublicFinalSelectorWithOpenAndIsAvailable() throws NoSuchMethodException {
        for (Class<?> c : BACKENDS) {
            assertThat(c.getPackageName()).isEqualTo("io.jselectors");
            assertThat(Modifier.isPublic(c.getModifiers())).as("%s is public", c).isTrue();
            assertThat(Modifier.isFinal(c.getModifiers())).as("%s is final", c).isTrue();
            assertThat(Selector.class.isAssignableFrom(c)).as("%s is a Selector", c).isTrue();

            Method open = c.getMethod("open");
            assertThat(Modifier.isStatic(open.getModifiers())).isTrue();
            assertThat(open.getReturnType()).isEqualTo(c);
            assertThat(open.getExceptionTypes()).contains(java.io.IOException.class);

            Method isAvailable = c.getMethod("isAvailable");
            assertThat(Modifier.isStatic(isAvailable.getModifiers())).isTrue();
            assertThat(isAvailable.getReturnType()).isEqualTo(boolean.class);
        }
    }

    @Test
    void theEventBitsArePythons() {
        assertThat(Selector.EVENT_READ).isEqualTo(1);
        assertThat(Selector.EVENT_WRITE).isEqualTo(2);
    }
}
