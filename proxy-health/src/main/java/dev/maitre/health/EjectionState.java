package dev.maitre.health;

import dev.maitre.health.time.Cancellable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One backend's side of passive outlier detection. The failure count is updated lock-free from the
 * data plane's event loops; the rest changes only under the lock of the cluster's
 * {@link OutlierDetector}, and {@code ejected} and {@code untilMillis} are published for lock-free reads.
 */
final class EjectionState {

    /** Failed requests in a row, as reported by the data plane. */
    final AtomicInteger consecutiveFailures = new AtomicInteger();
    volatile boolean ejected;
    volatile long untilMillis;

    /** How many recent ejections the next ejection time is multiplied by; decays while not ejected. */
    int ejections;
    long returnedAtNanos;
    /** Tells a stale end-of-ejection task from the one of the current ejection. */
    long epoch;
    Cancellable returnTask;
}
