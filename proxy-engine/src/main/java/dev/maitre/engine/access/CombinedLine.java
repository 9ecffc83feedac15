package dev.maitre.engine.access;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Apache's and nginx's combined format followed by what nginx users commonly add:
 * {@code $remote_addr - - [$time_local] "$request" $status $body_bytes_sent "$http_referer"
 * "$http_user_agent" $request_time $upstream_addr $upstream_response_time}, times in seconds with
 * milliseconds, {@code -} for what is missing; a tunnel's line ends with the fields maitre's own
 * format gives it. Text is escaped as nginx does it: {@code "}, {@code \} and bytes outside printable
 * ASCII as {@code \xHH}.
 */
final class CombinedLine implements AccessLineFormat {

    private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

    private final DateTimeFormatter localTime;
    private long lastSecond = Long.MIN_VALUE;
    private String lastTime;

    CombinedLine(ZoneId zone) {
        this.localTime = LOCAL_TIME.withZone(zone);
    }

    @Override
    public void append(AccessRecord record, StringBuilder line) {
        line.append(record.client()).append(" - - [").append(time(record.timeMillis())).append("] \"");
        LineEscapes.requestLine(record, line);
        line.append("\" ").append(record.status()).append(' ').append(record.bodyBytes()).append(" \"");
        quoted(record.referer(), line);
        line.append("\" \"");
        quoted(record.userAgent(), line);
        line.append("\" ");
        Decimals.seconds(record.durationNanos(), line);
        line.append(' ').append(record.upstream() == null ? "-" : record.upstream()).append(' ');
        if (record.upstreamNanos() < 0) {
            line.append('-');
        } else {
            Decimals.seconds(record.upstreamNanos(), line);
        }
        MaitreLine.appendTunnel(record.tunnel(), line);
    }

    private static void quoted(String text, StringBuilder line) {
        if (text == null || text.isEmpty()) {
            line.append('-');
        } else {
            LineEscapes.nginx(text, line);
        }
    }

    /** Lines come in time order, many per second: the second's text is made once. */
    private String time(long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000);
        if (second != lastSecond) {
            lastTime = localTime.format(Instant.ofEpochSecond(second));
            lastSecond = second;
        }
        return lastTime;
    }
}
