package dev.maitre.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Turns SIGUSR1 into a reopen of the access log's file, as nginx does, for logrotate to move the file
 * away and signal. Without it the JVM would exit on SIGUSR1; with it, one that arrives while maitre
 * is still starting is logged and otherwise ignored.
 */
final class ReopenSignal {

    private static final Logger log = LoggerFactory.getLogger(ReopenSignal.class);

    private volatile Runnable reopen;

    private ReopenSignal() {
    }

    /** Handles SIGUSR1 from now on; it reopens once {@link #reopenWith} has said how. */
    static ReopenSignal install() {
        ReopenSignal signal = new ReopenSignal();
        try {
            Signal.handle(new Signal("USR1"), received -> signal.onSignal());
        } catch (IllegalArgumentException e) {
            log.debug("SIGUSR1 is not handled: {}", e.getMessage());
        }
        return signal;
    }

    /** From now on, SIGUSR1 calls {@code reopen}. */
    void reopenWith(Runnable reopen) {
        this.reopen = reopen;
    }

    private void onSignal() {
        Runnable now = reopen;
        if (now == null) {
            log.warn("SIGUSR1: maitre is still starting or already stopping; no log reopened");
            return;
        }
        now.run();
    }
}
