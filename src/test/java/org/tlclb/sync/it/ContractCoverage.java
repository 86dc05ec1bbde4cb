package org.tlclb.sync.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Keeps {@link Exercises} honest: after a contract test passed, every option and exit code it
 * declares must have occurred in one of its own launcher runs of the command (as recorded by
 * {@link Launcher}). A declaration the test does not live up to fails the test.
 */
public final class ContractCoverage implements BeforeEachCallback, AfterEachCallback {

    @Override
    public void beforeEach(ExtensionContext context) {
        LauncherRuns.all().clear();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (context.getExecutionException().isPresent()) {
            return; // the test failed already, and says why
        }
        Exercises ex = context.getRequiredTestMethod().getAnnotation(Exercises.class);
        if (ex == null) {
            return;
        }
        String command = ex.command().isEmpty()
                ? context.getRequiredTestClass().getAnnotation(Contract.class).value() : ex.command();
        List<LauncherRuns.Invocation> runs = LauncherRuns.all().stream().filter(i -> i.command().equals(command))
                .toList();
        String where = context.getRequiredTestMethod().getName() + " declares for '" + command + "' ";
        for (String option : ex.value()) {
            assertThat(runs.stream().anyMatch(i -> i.uses(option)))
                    .as(where + option + " but none of its runs used it: " + runs).isTrue();
        }
        for (int code : ex.exits()) {
            assertThat(runs.stream().anyMatch(i -> i.exit() == code))
                    .as(where + "exit " + code + " but none of its runs exited so: " + runs).isTrue();
        }
    }
}
