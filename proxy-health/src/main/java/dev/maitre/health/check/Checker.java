package dev.maitre.health.check;

import dev.maitre.api.HostPort;
import java.util.concurrent.CompletableFuture;

/** Probes backends the way one cluster's {@code healthCheck} says. */
@FunctionalInterface
public interface Checker {

    /**
     * Starts one check of {@code backend} and returns at once. The future always completes, normally,
     * within the configured timeout (a check that gets no answer in time fails with
     * {@code timeout after ...}); it may complete on another thread.
     */
    CompletableFuture<CheckResult> check(HostPort backend);
}
