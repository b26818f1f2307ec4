package io.jselectors.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * For tests of connections, as {@code @RegisterExtension final LoopChecks checks = new LoopChecks();}: loops
 * whose callbacks must not throw, and this process's descriptor count, which must be back where it was
 * when each test ends.
 */
final class LoopChecks implements BeforeEachCallback, AfterEachCallback {
    private int fdsBefore;
    /** What callbacks threw on loops made by {@link #open}: must stay empty. */
    private final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void beforeEach(ExtensionContext context) {
        unexpected.clear();
        fdsBefore = FdCount.now();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        verify();
    }

    /** @return a loop on the backend whose exception handler records anything a callback throws */
    EventLoop open(String backend) throws IOException {
        EventLoop loop = Backends.loop(backend);
        loop.setExceptionHandler((context, error) -> unexpected.add(context + ": " + error));
        return loop;
    }

    /** Asserts that no callback threw and that no descriptor was left open. */
    private void verify() {
        assertThat(unexpected).as("exceptions thrown by callbacks").isEmpty();
        if (fdsBefore >= 0) {
            assertThat(FdCount.now()).as("open descriptors after the test").isEqualTo(fdsBefore);
        }
    }
}
