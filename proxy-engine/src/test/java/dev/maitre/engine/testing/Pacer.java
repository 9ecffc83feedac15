package dev.maitre.engine.testing;

import java.time.Duration;

/**
 * How fast a test peer moves bytes: as fast as it can, or in bursts separated by pauses, the way a
 * slow client or an overloaded backend does. One pacer per stream; it is not thread-safe.
 */
public final class Pacer {

    private final long burstBytes;
    private final long pauseMillis;
    private long inBurst;

    private Pacer(long burstBytes, long pauseMillis) {
        this.burstBytes = burstBytes;
        this.pauseMillis = pauseMillis;
    }

    public static Pacer fullSpeed() {
        return new Pacer(Long.MAX_VALUE, 0);
    }

    /** Moves {@code burstBytes} at full speed, then stops for {@code pause}, and so on. */
    public static Pacer bursts(long burstBytes, Duration pause) {
        return new Pacer(burstBytes, pause.toMillis());
    }

    /** The largest step the peer should take before calling {@link #moved}. */
    int step(int wanted) {
        return (int) Math.min(wanted, burstBytes - inBurst);
    }

    /** Counts {@code n} bytes moved; pauses when a burst is complete. */
    void moved(int n) throws InterruptedException {
        inBurst += n;
        if (inBurst >= burstBytes) {
            inBurst = 0;
            Thread.sleep(pauseMillis);
        }
    }
}
