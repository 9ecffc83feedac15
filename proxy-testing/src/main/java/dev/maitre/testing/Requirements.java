package dev.maitre.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a test needs of the machine it runs on. On a developer's machine that lacks it the test is
 * skipped, saying why; in CI ({@code CI} set, as {@code .ci/run} runs), where the machine is the
 * kind the project targets, a missing requirement fails the test instead, so nothing is skipped
 * there unnoticed.
 */
public final class Requirements {

    private Requirements() {
    }

    /** The test needs {@code what}, which is {@code present} or not. */
    public static void require(boolean present, String what) {
        if (System.getenv("CI") == null) {
            assumeTrue(present, what);
        }
        assertThat(present).as("required here: " + what).isTrue();
    }
}
