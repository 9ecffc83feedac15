package dev.maitre.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.maitre.api.config.AccessLogFormat;
import dev.maitre.engine.access.AccessLineFormat;
import dev.maitre.engine.access.AccessRecord;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The json access line, read back with Jackson as a log shipper would. */
class JsonAccessLineTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIME = Instant.parse("2026-12-05T13:41:26.007Z").toEpochMilli();

    private static String line(AccessRecord record) {
        StringBuilder line = new StringBuilder();
        AccessLineFormat.of(AccessLogFormat.JSON).append(record, line);
        return line.toString();
    }

    @Test
    void everyFieldReadsBack() throws Exception {
        JsonNode line = JSON.readTree(line(new AccessRecord(TIME, "192.0.2.7", "GET", "/api/users?page=2", "HTTP/2.0",
                200, 1432, 3_217_450, "api", "10.0.0.11:8080", 2_904_000, 1, "TLSv1.3", "curl/8.5.0",
                "https://example.com/", null)));

        assertThat(line.get("time").asText()).isEqualTo("2026-12-05T13:41:26.007Z");
        assertThat(line.get("client").asText()).isEqualTo("192.0.2.7");
        assertThat(line.get("method").asText()).isEqualTo("GET");
        assertThat(line.get("target").asText()).isEqualTo("/api/users?page=2");
        assertThat(line.get("protocol").asText()).isEqualTo("HTTP/2.0");
        assertThat(line.get("status").asInt()).isEqualTo(200);
        assertThat(line.get("bytes").asLong()).isEqualTo(1432);
        assertThat(line.get("durationMs").decimalValue()).isEqualByComparingTo("3.217");
        assertThat(line.get("cluster").asText()).isEqualTo("api");
        assertThat(line.get("upstream").asText()).isEqualTo("10.0.0.11:8080");
        assertThat(line.get("upstreamMs").decimalValue()).isEqualByComparingTo("2.904");
        assertThat(line.get("retries").asInt()).isEqualTo(1);
        assertThat(line.get("tls").asText()).isEqualTo("TLSv1.3");
        assertThat(line.get("userAgent").asText()).isEqualTo("curl/8.5.0");
        assertThat(line.get("referer").asText()).isEqualTo("https://example.com/");
        assertThat(line.has("tunnel")).isFalse();
    }

    @Test
    void whatIsMissingIsLeftOut() throws Exception {
        JsonNode line = JSON.readTree(line(new AccessRecord(TIME, "127.0.0.1", "GET", "/", "HTTP/1.1", 503, 20,
                1_000_000, "api", null, -1, 0, null, null, null, null)));

        assertThat(line.has("upstream")).isFalse();
        assertThat(line.has("upstreamMs")).isFalse();
        assertThat(line.has("tls")).isFalse();
        assertThat(line.has("userAgent")).isFalse();
        assertThat(line.has("referer")).isFalse();
        assertThat(line.get("retries").asInt()).isZero();
    }

    @Test
    void aTunnelCarriesItsOwnFields() throws Exception {
        JsonNode line = JSON.readTree(line(new AccessRecord(TIME, "127.0.0.1", "GET", "/ws", "HTTP/1.1", 101, 1018,
                5_032_000_000L, "chat", "127.0.0.1:9001", 5_032_000_000L, 0, null, null, null,
                new AccessRecord.Tunnel(5_030_000_000L, 1030, 1018, "closed"))));

        assertThat(line.get("status").asInt()).isEqualTo(101);
        JsonNode tunnel = line.get("tunnel");
        assertThat(tunnel.get("durationMs").decimalValue()).isEqualByComparingTo("5030");
        assertThat(tunnel.get("bytesUp").asLong()).isEqualTo(1030);
        assertThat(tunnel.get("bytesDown").asLong()).isEqualTo(1018);
        assertThat(tunnel.get("end").asText()).isEqualTo("closed");
    }

    @Test
    void quotesBackslashesControlCharactersAndNonAsciiStayInsideTheirStringAndReadBackExactly() throws Exception {
        String target = "/a\"b\\c\r\n{\"status\":999}\t\u0000\u0001\u001f\u007f\u00e9\u2028\ud83d\ude00";
        String agent = "x\",\"status\":999,\"y\":\"";

        String text = line(new AccessRecord(TIME, "127.0.0.1", "GET", target, "HTTP/1.1", 200, 0, 0, "api", null, -1,
                0, null, agent, null, null));

        assertThat(text).doesNotContain("\n", "\r").matches("\\p{ASCII}*");
        JsonNode line = JSON.readTree(text);
        assertThat(line.get("target").asText()).isEqualTo(target);
        assertThat(line.get("userAgent").asText()).isEqualTo(agent);
        assertThat(line.get("status").asInt()).isEqualTo(200);
        assertThat(line.size()).as("no field was forged").isEqualTo(11);
    }
}
