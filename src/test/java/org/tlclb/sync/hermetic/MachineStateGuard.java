package org.tlclb.sync.hermetic;

import java.time.Instant;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Registered for every test class of the suite (junit-platform.properties turns on extension
 * auto-detection; META-INF/services names this class). Before the first class it starts one
 * {@link SuiteWatch} for the JVM; JUnit closes it when the last class has run, and the watch then
 * fails the suite if it wrote the machine's state paths. Classes marked {@link WritesTheMachine}
 * are timed, so that what they write on purpose is not counted.
 */
public final class MachineStateGuard implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(MachineStateGuard.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        watch(context); // the first class starts it
        if (writesTheMachine(context)) {
            context.getStore(NS).put(Instant.class, Instant.now());
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Instant from = context.getStore(NS).get(Instant.class, Instant.class);
        if (from != null && writesTheMachine(context)) {
            watch(context).exempt(context.getRequiredTestClass().getSimpleName(), from, Instant.now());
        }
    }

    private static boolean writesTheMachine(ExtensionContext context) {
        return context.getTestClass().map(c -> c.isAnnotationPresent(WritesTheMachine.class)).orElse(false);
    }

    private static SuiteWatch watch(ExtensionContext context) {
        return context.getRoot().getStore(NS).computeIfAbsent(SuiteWatch.class, k -> SuiteWatch.start(),
                SuiteWatch.class);
    }
}
