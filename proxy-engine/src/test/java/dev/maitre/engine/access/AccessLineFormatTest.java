package dev.maitre.engine.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.config.AccessLogFormat;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class AccessLineFormatTest {

    private static final long TIME = ZonedDateTime.of(2026, 12, 5, 13, 41, 26, 123_000_000, ZoneId.of("UTC"))
            .toInstant().toEpochMilli();

    private static AccessRecord request(String target, String userAgent) {
        return new AccessRecord(TIME, "127.0.0.1", "GET", target, "HTTP/1.1", 200, 1432, 3_217_000, "api",
                "10.0.0.11:8080", 2_904_000, 0, null, userAgent, null, null);
    }

    private static String line(AccessLogFormat format, AccessRecord record) {
        StringBuilder line = new StringBuilder();
        AccessLineFormat.of(format, ZoneId.of("+01:00")).append(record, line);
        return line.toString();
    }

    @Test
    void maitresLineIsTheOneItAlwaysWas() {
        assertThat(line(AccessLogFormat.MAITRE, request("/api/users", "curl/8.5.0")))
                .isEqualTo("127.0.0.1 \"GET /api/users HTTP/1.1\" 200 1432 3ms api 10.0.0.11:8080");
    }

    @Test
    void maitresLineOfATunnelEndsWithTheTunnelsFields() {
        AccessRecord tunnel = new AccessRecord(TIME, "127.0.0.1", "GET", "/ws", "HTTP/1.1", 101, 1018, 5_032_400_000L,
                "chat", "127.0.0.1:9001", 5_032_000_000L, 0, null, null, null,
                new AccessRecord.Tunnel(5_030_100_000L, 1030, 1018, "closed"));

        assertThat(line(AccessLogFormat.MAITRE, tunnel)).isEqualTo(
                "127.0.0.1 \"GET /ws HTTP/1.1\" 101 1018 5032ms chat 127.0.0.1:9001 tunnel=5030ms up=1030 down=1018 end=closed");
        assertThat(line(AccessLogFormat.COMBINED, tunnel)).endsWith(
                " 5.032 127.0.0.1:9001 5.032 tunnel=5030ms up=1030 down=1018 end=closed");
    }

    @Test
    void maitresLineNamesNoBackendWithADash() {
        AccessRecord noBackend = new AccessRecord(TIME, "127.0.0.1", "GET", "/", "HTTP/2.0", 503, 20, 1_000_000,
                "api", null, -1, 0, "TLSv1.3", null, null, null);

        assertThat(line(AccessLogFormat.MAITRE, noBackend)).isEqualTo("127.0.0.1 \"GET / HTTP/2.0\" 503 20 1ms api -");
    }

    @Test
    void combinedIsNginxsCombinedFollowedByRequestTimeUpstreamAddressAndUpstreamTime() {
        AccessRecord record = new AccessRecord(TIME, "192.0.2.7", "POST", "/api/orders?id=4", "HTTP/1.1", 201, 0,
                3_217_000, "api", "10.0.0.11:8080", 2_904_000, 1, null, "curl/8.5.0", "https://example.com/", null);

        assertThat(line(AccessLogFormat.COMBINED, record)).isEqualTo("192.0.2.7 - - [05/Dec/2026:14:41:26 +0100] "
                + "\"POST /api/orders?id=4 HTTP/1.1\" 201 0 \"https://example.com/\" \"curl/8.5.0\" 0.003 "
                + "10.0.0.11:8080 0.002");
    }

    @Test
    void combinedWritesADashForWhatIsMissing() {
        AccessRecord noBackend = new AccessRecord(TIME, "127.0.0.1", "GET", "/", "HTTP/1.0", 503, 20, 1_000_000,
                "api", null, -1, 0, null, null, "", null);

        assertThat(line(AccessLogFormat.COMBINED, noBackend))
                .endsWith("\"GET / HTTP/1.0\" 503 20 \"-\" \"-\" 0.001 - -");
    }

    @Test
    void textTheClientChoseIsEscapedAsNginxDoesSoItCannotEndTheLineOrAField() {
        String hostile = "/a\"b\\c\r\nd\te\u00e9\u007f";
        String agent = "x\" 999 \"forged";

        String combined = line(AccessLogFormat.COMBINED, request(hostile, agent));
        String maitre = line(AccessLogFormat.MAITRE, request(hostile, agent));

        assertThat(combined).contains("\"GET /a\\x22b\\x5Cc\\x0D\\x0Ad\\x09e\\xE9\\x7F HTTP/1.1\"")
                .contains("\"x\\x22 999 \\x22forged\"").doesNotContain("\n", "\r", "\t");
        assertThat(maitre).isEqualTo(
                "127.0.0.1 \"GET /a\\x22b\\x5Cc\\x0D\\x0Ad\\x09e\\xE9\\x7F HTTP/1.1\" 200 1432 3ms api 10.0.0.11:8080");
    }

    @Test
    void aCharBeyondOneByteIsEscapedAsItsUtf8Bytes() {
        assertThat(line(AccessLogFormat.COMBINED, request("/\u20ac", null))).contains("\"GET /\\xE2\\x82\\xAC HTTP/1.1\"");
    }

    @Test
    void combinedTimesAreInTheGivenZoneAndEachSecondIsFormattedAgain() {
        AccessLineFormat format = AccessLineFormat.of(AccessLogFormat.COMBINED, ZoneId.of("UTC"));
        StringBuilder first = new StringBuilder();
        StringBuilder second = new StringBuilder();

        format.append(request("/", null), first);
        format.append(new AccessRecord(TIME + 1000, "127.0.0.1", "GET", "/", "HTTP/1.1", 200, 0, 0, "api", null, -1, 0,
                null, null, null, null), second);

        assertThat(first).contains("[05/Dec/2026:13:41:26 +0000]");
        assertThat(second).contains("[05/Dec/2026:13:41:27 +0000]");
    }
}
