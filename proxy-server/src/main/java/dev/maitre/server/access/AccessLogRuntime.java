package dev.maitre.server.access;

import dev.maitre.api.config.AccessLogConfig;
import dev.maitre.engine.access.AccessLineFormat;
import dev.maitre.engine.access.AccessLog;
import java.io.IOException;
import java.util.Locale;

/**
 * The running access log: its writer, the configuration it writes by, and how a reload changes it.
 * The writer lives as long as maitre, so that a reload can switch the access log on, change its
 * format or move it to another file. Called by one thread at a time (start, the synchronized reload,
 * stop; a reopen only asks the writer).
 */
public final class AccessLogRuntime implements AutoCloseable {

    private final AccessLogWriter writer;
    private AccessLogConfig config;
    private AccessLogOutput output;

    private AccessLogRuntime(AccessLogConfig config, AccessLogOutput output) {
        this.config = config;
        this.output = output;
        this.writer = AccessLogWriter.start(AccessLineFormat.of(config.format()), output);
    }

    /**
     * Starts writing by {@code config}; when it is on, its file is opened now.
     *
     * @throws IllegalArgumentException when the file cannot be opened, naming {@code accessLog.path}
     */
    public static AccessLogRuntime start(AccessLogConfig config) {
        return new AccessLogRuntime(config, config.enabled() ? open(config) : null);
    }

    /** Where the engine hands each request's record. */
    public AccessLog records() {
        return writer;
    }

    /** Records dropped because the writer could not keep up. */
    public long dropped() {
        return writer.dropped();
    }

    /** Opens the file again by its name (after logrotate moved it); nothing for standard output. */
    public void reopen() {
        writer.reopen();
    }

    /** A change of the access log a reload prepared: applied once everything else of the reload worked. */
    public static final class Change {

        private final AccessLogConfig next;
        private final AccessLogOutput output;
        /** Whether {@link #output} was opened for this change, and so is closed if it is let go. */
        private final boolean opened;

        private Change(AccessLogConfig next, AccessLogOutput output, boolean opened) {
            this.next = next;
            this.output = output;
            this.opened = opened;
        }
    }

    /**
     * Prepares writing by {@code next}: opens its file if it is on and the file is not the one open now.
     *
     * @throws IllegalArgumentException when the file cannot be opened, naming {@code accessLog.path}
     */
    public Change prepare(AccessLogConfig next) {
        if (!next.enabled()) {
            return new Change(next, null, false);
        }
        if (output != null && config.path().equals(next.path())) {
            return new Change(next, output, false);
        }
        return new Change(next, open(next), true);
    }

    /** Writes by the prepared configuration from now on. */
    public void apply(Change change) {
        config = change.next;
        output = change.output;
        writer.use(AccessLineFormat.of(config.format()), output);
    }

    /** Lets a prepared change ({@code null}: none) go: the reload failed elsewhere. */
    public void discard(Change change) {
        if (change != null && change.opened) {
            change.output.close();
        }
    }

    /** {@code on (json, /var/log/maitre/access.log)} or {@code off}. */
    public static String describe(AccessLogConfig config) {
        return !config.enabled() ? "off" : "on (" + config.format().name().toLowerCase(Locale.ROOT) + ", "
                + (config.toStdout() ? "standard output" : config.path()) + ")";
    }

    /** Writes what is queued and stops the writer. */
    @Override
    public void close() {
        writer.close();
    }

    private static AccessLogOutput open(AccessLogConfig config) {
        try {
            return AccessLogOutput.open(config);
        } catch (IOException e) {
            throw new IllegalArgumentException("accessLog.path: " + config.path()
                    + " (expected: a file maitre can append to; " + AccessLogOutput.reason(e) + ")", e);
        }
    }
}
