package io.jasyncio;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Names the schedule fuzzing seed when a test fails under {@code -Djasyncio.fuzz.seed=N} (see {@link ScheduleFuzz}),
 * with the command that replays it: the seed is attached to the failure as a suppressed exception (so it is in the
 * report) and printed. Registered for every test class of this module through the service loader
 * (junit-platform.properties turns autodetection on).
 */
public final class FuzzSeedReporter implements TestExecutionExceptionHandler {
    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        String seed = System.getProperty(ScheduleFuzz.SEED_PROPERTY);
        if (seed != null && !seed.isBlank()) {
            String replay = "schedule fuzzing seed " + seed.trim() + "; replay: mvn -o -pl jasyncio -D"
                    + ScheduleFuzz.SEED_PROPERTY + "=" + seed.trim() + " -Dtest='"
                    + context.getRequiredTestClass().getSimpleName() + "#" + context.getRequiredTestMethod().getName()
                    + "' -Dsurefire.failIfNoSpecifiedTests=false test";
            failure.addSuppressed(new AssertionError(replay));
            System.out.println("[fuzz] " + context.getDisplayName() + " failed under " + replay);
        }
        throw failure;
    }
}
