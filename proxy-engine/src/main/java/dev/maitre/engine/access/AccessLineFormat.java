package dev.maitre.engine.access;

import dev.maitre.api.config.AccessLogFormat;
import java.time.ZoneId;

/**
 * Writes an {@link AccessRecord} as one line of text, in one of the formats of {@link AccessLogFormat}.
 * Whatever the client sent is escaped, so that no field can end the line or forge another field. An
 * instance may keep what it formatted last (the time of the previous line): it is confined to one
 * thread.
 */
public interface AccessLineFormat {

    /** Appends {@code record}'s line to {@code line}, without the line's end. */
    void append(AccessRecord record, StringBuilder line);

    /** A new formatter of {@code format}, writing local times (combined) in the JVM's time zone. */
    static AccessLineFormat of(AccessLogFormat format) {
        return of(format, ZoneId.systemDefault());
    }

    /** A new formatter of {@code format}, writing local times (combined) in {@code zone}. */
    static AccessLineFormat of(AccessLogFormat format, ZoneId zone) {
        return switch (format) {
            case MAITRE -> new MaitreLine();
            case COMBINED -> new CombinedLine(zone);
            case JSON -> new JsonLine();
        };
    }
}
