package dev.maitre.engine.access;

import dev.maitre.api.config.AccessLogFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link AccessLog#toLogger()}. */
enum LoggerAccessLog implements AccessLog {
    INSTANCE;

    private static final Logger ACCESS = LoggerFactory.getLogger("maitre.access");
    private static final AccessLineFormat FORMAT = AccessLineFormat.of(AccessLogFormat.MAITRE);

    @Override
    public void log(AccessRecord record) {
        if (ACCESS.isInfoEnabled()) {
            StringBuilder line = new StringBuilder(128);
            FORMAT.append(record, line);
            ACCESS.info(line.toString());
        }
    }
}
