package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HopByHopHeadersTest {

    private static HttpHeaders headers(String... namesAndValues) {
        HttpHeaders headers = new DefaultHttpHeaders();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return headers;
    }

    @Test
    void headersThatDescribeTheConnectionAreRemoved() {
        HttpHeaders headers = headers(
                "Connection", "keep-alive",
                "Keep-Alive", "timeout=5",
                "Proxy-Connection", "keep-alive",
                "TE", "trailers",
                "Trailer", "X-Checksum",
                "Transfer-Encoding", "chunked",
                "Upgrade", "websocket",
                "Accept", "*/*");
        headers = Heads.without(headers, (head, i) -> HopByHopHeaders.isHopByHop(head, i, true));
        assertThat(headers.names()).containsExactly("Accept");
    }

    @Test
    void headersNamedInConnectionAreRemoved() {
        HttpHeaders headers = headers(
                "Connection", "X-One, x-two ,X-Three",
                "connection", "X-Four",
                "X-One", "1",
                "X-Two", "2",
                "x-three", "3",
                "X-Four", "4",
                "X-Five", "5");
        headers = Heads.without(headers, (head, i) -> HopByHopHeaders.isHopByHop(head, i, true));
        assertThat(headers.names()).containsExactly("X-Five");
    }

    @Test
    void emptyConnectionOptionsAreIgnored() {
        HttpHeaders headers = headers("Connection", ", ,close,,", "X-Kept", "1");
        headers = Heads.without(headers, (head, i) -> HopByHopHeaders.isHopByHop(head, i, true));
        assertThat(headers.names()).containsExactly("X-Kept");
    }

    @Test
    void connectionCannotRemoveWhatFramesOrRoutesTheMessage() {
        HttpHeaders headers = headers(
                "Connection", "Content-Length, Host",
                "Host", "example.com",
                "Content-Length", "5");
        headers = Heads.without(headers, (head, i) -> HopByHopHeaders.isHopByHop(head, i, true));
        assertThat(headers.get("Host")).isEqualTo("example.com");
        assertThat(headers.get("Content-Length")).isEqualTo("5");
        assertThat(headers.contains("Connection")).isFalse();
    }

    @Test
    void endToEndHeadersAreKept() {
        HttpHeaders headers = headers(
                "Host", "example.com",
                "Accept", "text/html",
                "Authorization", "Bearer x",
                "Cache-Control", "no-cache",
                "Content-Type", "text/plain",
                "Content-Length", "5",
                "Cookie", "a=b",
                "Cookie", "c=d",
                "X-Custom", "kept",
                "Expect", "100-continue");
        List<String> before = lines(headers);
        headers = Heads.without(headers, (head, i) -> HopByHopHeaders.isHopByHop(head, i, true));
        assertThat(lines(headers)).containsExactlyElementsOf(before);
    }

    private static List<String> lines(HttpHeaders headers) {
        List<String> lines = new ArrayList<>();
        headers.forEach(entry -> lines.add(entry.getKey() + ": " + entry.getValue()));
        return lines;
    }
}
