package io.jselectors.testsupport;

import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Prints every skipped test with its reason on the console, where surefire shows only a count.
 * Registered for every test class through {@code META-INF/services} and extension autodetection.
 */
public final class SkipReasonPrinter implements TestWatcher {
    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        print(context, cause == null ? "no reason given" : cause.getMessage());
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        print(context, reason.orElse("no reason given"));
    }

    private static void print(ExtensionContext context, String reason) {
        System.out.println("SKIPPED " + context.getRequiredTestClass().getSimpleName() + "."
                + context.getDisplayName() + ": " + reason);
    }
}
