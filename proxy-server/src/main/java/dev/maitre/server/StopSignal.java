package dev.maitre.server;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a request to stop, so that maitre lets in-flight requests finish
 * and exits with status 0 instead of dying with the signal's status. A shutdown hook covers every
 * other way the JVM may be asked to exit: it asks for the same graceful stop and waits for it.
 */
final class StopSignal {

    private static final Logger log = LoggerFactory.getLogger(StopSignal.class);

    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch done = new CountDownLatch(1);
    private final Supplier<Duration> hookWait;
    private volatile String reason = "stop requested";

    private StopSignal(Supplier<Duration> hookWait) {
        this.hookWait = hookWait;
    }

    /**
     * Handles SIGTERM and SIGINT from now on.
     *
     * @param stopTime how long stopping may take, as configured when it is asked (a reload may change
     *     it); the shutdown hook waits that long for it
     */
    static StopSignal install(Supplier<Duration> stopTime) {
        StopSignal stop = new StopSignal(stopTime);
        for (String name : List.of("TERM", "INT")) {
            try {
                Signal.handle(new Signal(name), signal -> stop.request("SIG" + signal.getName()));
            } catch (IllegalArgumentException e) {
                // The JVM keeps this signal for itself (as with -Xrs); the shutdown hook still drains.
                log.debug("SIG{} is not handled: {}", name, e.getMessage());
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(stop::requestAndAwaitDone, "maitre-shutdown"));
        return stop;
    }

    /** Blocks until a stop is requested; returns what asked for it, such as {@code SIGTERM}. */
    String await() throws InterruptedException {
        requested.await();
        return reason;
    }

    /** Says that stopping is over, so the shutdown hook may let the JVM exit. */
    void done() {
        done.countDown();
    }

    private void request(String why) {
        if (requested.getCount() > 0) {
            reason = why;
            requested.countDown();
        }
    }

    private void requestAndAwaitDone() {
        request("JVM shutdown");
        try {
            done.await(hookWait.get().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
