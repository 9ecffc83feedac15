package dev.maitre.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Turns SIGHUP into a reload of the configuration file (which logs its result). Without it the JVM
 * would exit on SIGHUP; with it, a SIGHUP that arrives while maitre is still starting is logged and
 * otherwise ignored. The reload runs on the JVM's signal thread, never on an event loop.
 */
final class ReloadSignal {

    private static final Logger log = LoggerFactory.getLogger(ReloadSignal.class);

    private volatile Runnable reload;

    private ReloadSignal() {
    }

    /** Handles SIGHUP from now on; it reloads once {@link #reloadWith} has said how. */
    static ReloadSignal install() {
        ReloadSignal signal = new ReloadSignal();
        try {
            Signal.handle(new Signal("HUP"), received -> signal.onSignal());
        } catch (IllegalArgumentException e) {
            // The JVM keeps SIGHUP for itself (as with -Xrs); POST /api/reload still works.
            log.debug("SIGHUP is not handled: {}", e.getMessage());
        }
        return signal;
    }

    /** From now on, SIGHUP calls {@code reload}. */
    void reloadWith(Runnable reload) {
        this.reload = reload;
    }

    private void onSignal() {
        Runnable now = reload;
        if (now == null) {
            log.warn("SIGHUP: maitre is still starting or already stopping; nothing reloaded");
            return;
        }
        try {
            now.run();
        } catch (RuntimeException e) {
            log.error("SIGHUP: reload failed", e);
        }
    }
}
