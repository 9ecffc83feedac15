package dev.maitre.engine.access;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One JSON object per line, all of it ASCII: {@code time} (UTC, ISO-8601 with milliseconds),
 * {@code client}, {@code method}, {@code target}, {@code protocol}, {@code status}, {@code bytes},
 * {@code durationMs}, {@code cluster} (when the request was routed), {@code upstream} and
 * {@code upstreamMs} (when a backend was picked), {@code retries}, {@code tls} (its protocol, over TLS), {@code userAgent} and {@code referer}
 * (when sent), and for a tunnel {@code tunnel}: {@code durationMs}, {@code bytesUp}, {@code bytesDown},
 * {@code end}. Durations are milliseconds with three decimals.
 */
final class JsonLine implements AccessLineFormat {

    private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    private long lastSecond = Long.MIN_VALUE;
    private String lastTime;

    @Override
    public void append(AccessRecord record, StringBuilder line) {
        line.append("{\"time\":\"");
        time(record.timeMillis(), line);
        line.append("\",\"client\":");
        string(record.client(), line);
        line.append(",\"method\":");
        string(record.method(), line);
        line.append(",\"target\":");
        string(record.target(), line);
        line.append(",\"protocol\":");
        string(record.protocol(), line);
        line.append(",\"status\":").append(record.status()).append(",\"bytes\":").append(record.bodyBytes())
                .append(",\"durationMs\":");
        Decimals.millis(record.durationNanos(), line);
        optional("cluster", record.cluster(), line);
        if (record.upstream() != null) {
            line.append(",\"upstream\":");
            string(record.upstream(), line);
            line.append(",\"upstreamMs\":");
            Decimals.millis(Math.max(0, record.upstreamNanos()), line);
        }
        line.append(",\"retries\":").append(record.retries());
        optional("tls", record.tlsProtocol(), line);
        optional("userAgent", record.userAgent(), line);
        optional("referer", record.referer(), line);
        AccessRecord.Tunnel tunnel = record.tunnel();
        if (tunnel != null) {
            line.append(",\"tunnel\":{\"durationMs\":");
            Decimals.millis(tunnel.openNanos(), line);
            line.append(",\"bytesUp\":").append(tunnel.bytesUp()).append(",\"bytesDown\":").append(tunnel.bytesDown())
                    .append(",\"end\":");
            string(tunnel.end(), line);
            line.append('}');
        }
        line.append('}');
    }

    private static void optional(String name, String value, StringBuilder line) {
        if (value != null) {
            line.append(",\"").append(name).append("\":");
            string(value, line);
        }
    }

    private static void string(String value, StringBuilder line) {
        line.append('"');
        LineEscapes.json(value, line);
        line.append('"');
    }

    private void time(long epochMillis, StringBuilder line) {
        long second = Math.floorDiv(epochMillis, 1000);
        if (second != lastSecond) {
            lastTime = SECOND.format(Instant.ofEpochSecond(second));
            lastSecond = second;
        }
        int millis = (int) Math.floorMod(epochMillis, 1000);
        line.append(lastTime).append('.');
        Decimals.pad3(millis, line);
        line.append('Z');
    }
}
