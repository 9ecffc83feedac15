package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The listener's request decoder on bytes as clients send them, whole, in pieces and a byte at a time. */
class RequestDecoderTest {

    private static final String OBS_FOLD = "GET / HTTP/1.1\r\nHost: a\r\nX-Folded: one\r\n two\r\n\r\n";
    private static final String OBS_FOLD_TAB = "GET / HTTP/1.1\r\nHost: a\r\nX-Folded: one\r\n\ttwo\r\n\r\n";
    private static final String SPACE_BEFORE_FIRST_HEADER = "GET / HTTP/1.1\r\n Host: a\r\n\r\n";
    private static final String TAB_BEFORE_FIRST_HEADER = "GET / HTTP/1.1\r\n\tHost: a\r\n\r\n";

    @ParameterizedTest
    @ValueSource(strings = {OBS_FOLD, OBS_FOLD_TAB, SPACE_BEFORE_FIRST_HEADER, TAB_BEFORE_FIRST_HEADER})
    void headerLineStartingWithWhitespaceIsRejected(String head) {
        try (DecodedRequests decoded = DecodedRequests.of(head)) {
            assertThat(decoded.rejected()).isTrue();
            assertThat(decoded.requests()).hasSize(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {OBS_FOLD, OBS_FOLD_TAB, SPACE_BEFORE_FIRST_HEADER, TAB_BEFORE_FIRST_HEADER})
    void headerLineStartingWithWhitespaceIsRejectedWhenBytesArriveOneByOne(String head) {
        try (DecodedRequests decoded = DecodedRequests.byteByByte(head)) {
            assertThat(decoded.rejected()).isTrue();
            assertThat(decoded.requests()).hasSize(1);
        }
    }

    @Test
    void obsFoldSplitRightBeforeTheFoldIsRejected() {
        try (DecodedRequests decoded = DecodedRequests.of(
                "GET / HTTP/1.1\r\nHost: a\r\nX-Folded: one\r\n", " two\r\n\r\n")) {
            assertThat(decoded.rejected()).isTrue();
        }
    }

    @Test
    void requestArrivingOneByteAtATimeIsDecoded() {
        try (DecodedRequests decoded = DecodedRequests.byteByByte(
                "POST /upload?x=1 HTTP/1.1\r\nHost: example.com\r\nContent-Length: 5\r\n\r\nhello")) {
            HttpRequest request = decoded.first();
            assertThat(request.decoderResult().isSuccess()).isTrue();
            assertThat(request.uri()).isEqualTo("/upload?x=1");
            assertThat(request.headers().get(HttpHeaderNames.HOST)).isEqualTo("example.com");
            assertThat(decoded.body(0)).isEqualTo("hello");
            assertThat(decoded.anyFailure()).isFalse();
        }
    }

    @Test
    void bodyContainingCrlfAndSpaceIsNotRejected() {
        String body = "a\r\n b\r\n\tc\r\n\r\n d";
        try (DecodedRequests decoded = DecodedRequests.of("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body)) {
            assertThat(decoded.anyFailure()).isFalse();
            assertThat(decoded.body(0)).isEqualTo(body);
        }
    }

    @Test
    void bodyContainingCrlfAndSpaceIsNotRejectedWhenBytesArriveOneByOne() {
        String body = "a\r\n b\r\n\tc";
        try (DecodedRequests decoded = DecodedRequests.byteByByte("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body)) {
            assertThat(decoded.anyFailure()).isFalse();
            assertThat(decoded.body(0)).isEqualTo(body);
        }
    }

    @Test
    void chunkedBodyContainingCrlfAndSpaceIsNotRejected() {
        try (DecodedRequests decoded = DecodedRequests.of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4\r\n\r\n x\r\n3\r\n\r\n \r\n0\r\n\r\n")) {
            assertThat(decoded.anyFailure()).isFalse();
            assertThat(decoded.body(0)).isEqualTo("\r\n x\r\n ");
        }
    }

    @Test
    void pipelinedRequestAfterABodyIsDecoded() {
        String pipelined = "POST /1 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\n\r\n "
                + "GET /2 HTTP/1.1\r\nHost: a\r\n\r\n"
                + "POST /3 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n\r\n \r\n0\r\n\r\n"
                + "GET /4 HTTP/1.1\r\nHost: a\r\n\r\n";
        for (DecodedRequests decoded : List.of(DecodedRequests.of(pipelined), DecodedRequests.byteByByte(pipelined))) {
            try (decoded) {
                assertThat(decoded.anyFailure()).isFalse();
                assertThat(decoded.requests()).extracting(HttpRequest::uri).containsExactly("/1", "/2", "/3", "/4");
                assertThat(decoded.body(0)).isEqualTo("\r\n ");
                assertThat(decoded.body(2)).isEqualTo("\r\n ");
            }
        }
    }

    @Test
    void obsFoldInAPipelinedRequestAfterABodyIsRejected() {
        String pipelined = "POST /1 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
                + "GET /2 HTTP/1.1\r\nHost: a\r\nX-Folded: one\r\n two\r\n\r\n";
        for (DecodedRequests decoded : List.of(DecodedRequests.of(pipelined), DecodedRequests.byteByByte(pipelined))) {
            try (decoded) {
                List<HttpRequest> requests = decoded.requests();
                assertThat(requests).hasSize(2);
                assertThat(requests.get(0).decoderResult().isSuccess()).isTrue();
                assertThat(decoded.body(0)).isEqualTo("abc");
                assertThat(requests.get(1).decoderResult().isFailure()).isTrue();
            }
        }
    }

    @Test
    void obsFoldAfterAChunkedBodyIsRejected() {
        String pipelined = "POST /1 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
                + "GET /2 HTTP/1.1\r\nHost: a\r\nX-Folded: one\r\n two\r\n\r\n";
        try (DecodedRequests decoded = DecodedRequests.of(pipelined)) {
            List<HttpRequest> requests = decoded.requests();
            assertThat(requests).hasSize(2);
            assertThat(requests.get(0).decoderResult().isSuccess()).isTrue();
            assertThat(requests.get(1).decoderResult().isFailure()).isTrue();
        }
    }

    @Test
    void nothingIsDecodedAfterARejection() {
        try (DecodedRequests decoded = DecodedRequests.of(OBS_FOLD, "GET /next HTTP/1.1\r\nHost: a\r\n\r\n")) {
            assertThat(decoded.requests()).hasSize(1);
            assertThat(decoded.rejected()).isTrue();
        }
        try (DecodedRequests decoded = DecodedRequests.of("GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
                "GET /next HTTP/1.1\r\nHost: a\r\nX-Folded: one\r\n two\r\n\r\n")) {
            assertThat(decoded.requests()).hasSize(1);
            assertThat(decoded.rejected()).isTrue();
        }
        try (DecodedRequests decoded = DecodedRequests.of("GET / HTTP/1.1 \r\n\r\n",
                "GET /next HTTP/1.1\r\nHost: a\r\nX-Folded: one\r\n two\r\n\r\n")) {
            assertThat(decoded.requests()).hasSize(1);
            assertThat(decoded.rejected()).isTrue();
        }
    }

    @Test
    void emptyLinesBeforeTheRequestLineAreIgnored() {
        try (DecodedRequests decoded = DecodedRequests.of("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")) {
            assertThat(decoded.rejected()).isFalse();
            assertThat(decoded.first().uri()).isEqualTo("/");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        " GET / HTTP/1.1\r\n",
        "GET  / HTTP/1.1\r\n",
        "GET /  HTTP/1.1\r\n",
        "GET / HTTP/1.1 \r\n",
        "GET\t/ HTTP/1.1\r\n",
        "GET /\tHTTP/1.1\r\n",
        "GET /\u000b HTTP/1.1\r\n",
        "GET /\u000c HTTP/1.1\r\n",
        "GET /a\u000bb HTTP/1.1\r\n",
        "GET /\r HTTP/1.1\r\n",
        "GET /a\rb HTTP/1.1\r\n",
        "GET /a\u0000b HTTP/1.1\r\n",
        "GET /a\u007fb HTTP/1.1\r\n",
        "GET / HTTP/1.1\r\r\n",
        "GET / http/1.1\r\n",
        "GET / Http/1.1\r\n",
        "GET / HTTP/1.1\n",
    })
    void requestLineThatIsNotMethodSpTargetSpVersionIsRejected(String requestLine) {
        try (DecodedRequests decoded = DecodedRequests.of(requestLine + "Host: a\r\n\r\n")) {
            assertThat(decoded.rejected()).as("%s", requestLine).isTrue();
        }
        try (DecodedRequests decoded = DecodedRequests.byteByByte(requestLine + "Host: a\r\n\r\n")) {
            assertThat(decoded.rejected()).as("%s one byte at a time", requestLine).isTrue();
        }
    }

    @Test
    void higherMinorVersionIsDecodedAsHttp11() {
        try (DecodedRequests decoded = DecodedRequests.of(
                "POST / HTTP/1.2\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")) {
            assertThat(decoded.rejected()).isFalse();
            assertThat(decoded.first().protocolVersion()).isSameAs(HttpVersion.HTTP_1_1);
            assertThat(decoded.body(0)).isEqualTo("abc");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.1", "HTTP/1.0"})
    void repeatedContentLengthIsRejectedWhateverTheVersion(String version) {
        try (DecodedRequests decoded = DecodedRequests.of("POST / " + version
                + "\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 13\r\n\r\nabcdefghijklm")) {
            assertThat(decoded.rejected()).isTrue();
        }
    }
}
