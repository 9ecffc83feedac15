package dev.maitre.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * A signal that asks a running maitre for one action: SIGHUP reloads the configuration file, SIGUSR1
 * reopens the access log's file (as nginx does, for logrotate). Without a handler the JVM would exit
 * on either; with one, a signal that arrives while maitre is still starting or already stopping is
 * logged and otherwise ignored. The action runs on the JVM's signal thread, never on an event loop.
 */
final class ActionSignal {

    private static final Logger log = LoggerFactory.getLogger(ActionSignal.class);

    private final String name;
    private final String nothingDone;
    private volatile Runnable action;

    private ActionSignal(String name, String nothingDone) {
        this.name = name;
        this.nothingDone = nothingDone;
    }

    /** SIGHUP: reloads the configuration file once {@link #doWith} has said how. */
    static ActionSignal reload() {
        return install("HUP", "nothing reloaded");
    }

    /** SIGUSR1: reopens the access log's file once {@link #doWith} has said how. */
    static ActionSignal reopen() {
        return install("USR1", "no log reopened");
    }

    private static ActionSignal install(String name, String nothingDone) {
        ActionSignal signal = new ActionSignal("SIG" + name, nothingDone);
        try {
            Signal.handle(new Signal(name), received -> signal.onSignal());
        } catch (IllegalArgumentException e) {
            // The JVM keeps the signal for itself (as with -Xrs); POST /api/reload still works.
            log.debug("{} is not handled: {}", signal.name, e.getMessage());
        }
        return signal;
    }

    /** From now on, the signal calls {@code action}; {@code null}: nothing. */
    void doWith(Runnable action) {
        this.action = action;
    }

    private void onSignal() {
        Runnable now = action;
        if (now == null) {
            log.warn("{}: maitre is still starting or already stopping; {}", name, nothingDone);
            return;
        }
        try {
            now.run();
        } catch (RuntimeException e) {
            log.error("{}: failed", name, e);
        }
    }
}
