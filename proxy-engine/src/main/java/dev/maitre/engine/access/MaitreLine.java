package dev.maitre.engine.access;

import java.util.concurrent.TimeUnit;

/**
 * maitre's own line: {@code 127.0.0.1 "GET /api HTTP/1.1" 200 1432 3ms api 10.0.0.11:8080}, and for a
 * tunnel four more fields: {@code tunnel=5030ms up=1030 down=1018 end=closed}.
 */
final class MaitreLine implements AccessLineFormat {

    @Override
    public void append(AccessRecord record, StringBuilder line) {
        line.append(record.client()).append(" \"");
        LineEscapes.requestLine(record, line);
        line.append("\" ").append(record.status()).append(' ').append(record.bodyBytes()).append(' ')
                .append(TimeUnit.NANOSECONDS.toMillis(record.durationNanos())).append("ms ")
                .append(record.cluster() == null ? "-" : record.cluster()).append(' ').append(record.upstream() == null ? "-" : record.upstream());
        appendTunnel(record.tunnel(), line);
    }

    /** The fields only a tunnel's line has, in maitre's and the combined format alike. */
    static void appendTunnel(AccessRecord.Tunnel tunnel, StringBuilder line) {
        if (tunnel != null) {
            line.append(" tunnel=").append(TimeUnit.NANOSECONDS.toMillis(tunnel.openNanos())).append("ms up=")
                    .append(tunnel.bytesUp()).append(" down=").append(tunnel.bytesDown()).append(" end=")
                    .append(tunnel.end());
        }
    }
}
