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
 * For tests of loops on real sockets ({@code @RegisterExtension final LoopChecks checks = new LoopChecks()}):
 * loops whose exception handler records what callbacks throw, and after each test the checks that
 * nothing was thrown and no descriptor was left open.
 */
final class LoopChecks implements BeforeEachCallback, AfterEachCallback {
    /** What callbacks threw on loops made by {@link #open}: must stay empty. */
    private final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
    private int fdsBefore;

    /** A loop on the backend whose exception handler records anything a callback throws. */
    EventLoop open(String backend) throws IOException {
        EventLoop loop = Backends.loop(backend);
        loop.setExceptionHandler((context, error) -> unexpected.add(context + ": " + error));
        return loop;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        unexpected.clear();
        fdsBefore = FdCount.now();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        assertThat(unexpected).as("exceptions thrown by callbacks").isEmpty();
        if (fdsBefore >= 0) {
            assertThat(FdCount.now()).as("open descriptors after the test").isEqualTo(fdsBefore);
        }
    }
}
