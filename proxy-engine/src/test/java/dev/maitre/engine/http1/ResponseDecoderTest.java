package dev.maitre.engine.http1;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.CharsetUtil;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A backend's bytes in, heads and body parts out, or one failure. */
class ResponseDecoderTest {

    private static final String OK_HEAD = "HTTP/1.1 200 OK\r\n";

    private final Backend backend = new Backend();

    @AfterEach
    void releaseEverything() {
        backend.finish();
    }

    // ---- framing ----

    @Test
    void aContentLengthBodyEndsAfterThatManyBytes() {
        backend.expectAnswer(false);

        assertThat(backend.receive(OK_HEAD + "Content-Length: 5\r\n\r\nhello"))
                .containsExactly("head 200", "last hello");

        Head head = backend.head(0);
        assertThat(head.text()).isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n");
        assertThat(head.contentLength()).isEqualTo(5);
        assertThat(head.chunked()).isFalse();
        assertThat(backend.decoder.atResponseBoundary()).isTrue();
    }

    @Test
    void aContentLengthBodyComesOutAsItArrives() {
        backend.expectAnswer(false);

        assertThat(backend.receive(OK_HEAD + "Content-Length: 5\r\n\r\nhe")).containsExactly("head 200", "part he");
        assertThat(backend.decoder.atResponseBoundary()).isFalse();
        assertThat(backend.receive("ll")).containsExactly("part ll");
        assertThat(backend.receive("o")).containsExactly("last o");
        assertThat(backend.decoder.atResponseBoundary()).isTrue();
    }

    @Test
    void theLastPieceOfALengthBodyIsALastContentWithoutTrailers() {
        LastHttpContent last = new LastPiece(Unpooled.copiedBuffer("ok", CharsetUtil.US_ASCII));
        LastHttpContent duplicate = last.retainedDuplicate();
        try {
            assertThat(last.trailingHeaders().isEmpty()).isTrue();
            assertThat(duplicate.content().toString(CharsetUtil.US_ASCII)).isEqualTo("ok");
            assertThat(last.copy()).isInstanceOf(LastHttpContent.class).satisfies(LastHttpContent::release);
        } finally {
            duplicate.release();
            last.release();
        }
        assertThat(last.refCnt()).isZero();
    }

    @Test
    void aZeroContentLengthEndsAtTheHead() {
        backend.expectAnswer(false);

        assertThat(backend.receive(OK_HEAD + "Content-Length: 0\r\n\r\n")).containsExactly("head 200", "last ");
        assertThat(backend.decoder.atResponseBoundary()).isTrue();
    }

    @Test
    void theLargestContentLengthIsANumber() {
        backend.expectAnswer(false);

        assertThat(backend.receive(OK_HEAD + "Content-Length: 9223372036854775807\r\n\r\nab"))
                .containsExactly("head 200", "part ab");
        assertThat(backend.head(0).contentLength()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aChunkedBodyEndsAtItsLastChunk() {
        backend.expectAnswer(false);

        assertThat(backend.receive(OK_HEAD + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nA\r\n0123456789\r\n0\r\n\r\n"))
                .containsExactly("head 200", "part hello", "part 0123456789", "last ");
        assertThat(backend.head(0).chunked()).isTrue();
        assertThat(backend.head(0).contentLength()).isEqualTo(-1);
        assertThat(backend.decoder.atResponseBoundary()).isTrue();
    }

    @Test
    void chunkDataComesOutAsItArrives() {
        backend.expectAnswer(false);

        assertThat(backend.receive(OK_HEAD + "Transfer-Encoding: chunked\r\n\r\nb\r\nhel"))
                .containsExactly("head 200", "part hel");
        assertThat(backend.receive("lo ")).containsExactly("part lo ");
        assertThat(backend.receive("world\r")).containsExactly("part world");
        assertThat(backend.receive("\n0\r\n\r\n")).containsExactly("last ");
    }

    @Test
    void transferEncodingChunkedOverridesContentLength() {
        backend.expectAnswer(false);

        assertThat(backend.receive(OK_HEAD + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"))
                .containsExactly("head 200", "part hello", "last ");
        assertThat(backend.head(0).contentLength()).isEqualTo(-1);
        assertThat(backend.head(0).chunked()).isTrue();
    }

    @Test
    void theChunkedCodingIsReadWithoutRegardToCaseOrSpaces() {
        backend.expectAnswer(false);

        assertThat(backend.receive(OK_HEAD + "transfer-encoding: \t ChUnKeD \t\r\n\r\n0\r\n\r\n"))
                .containsExactly("head 200", "last ");
        assertThat(backend.head(0).chunked()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Transfer-Encoding: gzip",
        "Transfer-Encoding: gzip, chunked",
        "Transfer-Encoding: chunked, chunked",
        "Transfer-Encoding: chunked,",
        "Transfer-Encoding: ,chunked",
        "Transfer-Encoding: chunked;q=1",
        "Transfer-Encoding: chunkedx",
        "Transfer-Encoding: ",
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked",
        "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked",
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity",
    })
    void anyTransferEncodingButChunkedAloneIsInvalid(String field) {
        backend.expectAnswer(false);

        assertThat(backend.receive(OK_HEAD + field + "\r\n\r\n0\r\n\r\n"))
                .containsExactly("fail IllegalArgumentException: Transfer-Encoding is not exactly chunked");
    }

    @ParameterizedTest
    @ValueSource(strings = {"+5", "-5", "5, 5", "5 5", "0x5", "5.0", "", "92233720368547758070", "9223372036854775808"})
    void aContentLengthThatIsNotOnlyDigitsIsInvalid(String value) {
        backend.expectAnswer(false);

        assertThat(backend.receive(OK_HEAD + "Content-Length: " + value + "\r\n\r\nhello"))
                .containsExactly("fail IllegalArgumentException: Content-Length is not a number of bytes");
    }

    @Test
    void twoContentLengthsAreInvalidEvenWhenEqual() {
        backend.expectAnswer(false);

        assertThat(backend.receive(OK_HEAD + "Content-Length: 5\r\ncontent-length: 5\r\n\r\nhello"))
                .containsExactly("fail IllegalArgumentException: the head has more than one Content-Length");
    }

    @Test
    void withoutLengthTheBodyRunsUntilTheConnectionCloses() {
        backend.expectAnswer(false);

        assertThat(backend.receive(OK_HEAD + "Server: x\r\n\r\nabc")).containsExactly("head 200", "part abc");
        assertThat(backend.receive("def")).containsExactly("part def");
        assertThat(backend.decoder.atResponseBoundary()).isFalse();
        assertThat(backend.close()).containsExactly("last ");
        assertThat(backend.head(0).contentLength()).isEqualTo(-1);
    }

    @Test
    void aBodyUntilCloseEndsWhenTheInputIsShutDown() {
        backend.expectAnswer(false);

        assertThat(backend.receive("HTTP/1.0 200 OK\r\n\r\nabc")).containsExactly("head 200", "part abc");
        assertThat(backend.shutdownInput()).containsExactly("last ");
        assertThat(backend.decoder.atResponseBoundary()).isTrue();
        assertThat(backend.head(0).keepAlive()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"204 No Content", "304 Not Modified"})
    void noContentAndNotModifiedHaveNoBodyWhateverTheirLength(String status) {
        backend.expectAnswer(false);

        assertThat(backend.receive("HTTP/1.1 " + status + "\r\nContent-Length: 10\r\n\r\n"))
                .containsExactly("head " + status.substring(0, 3), "last ");
        assertThat(backend.head(0).contentLength()).isEqualTo(10);
        assertThat(backend.decoder.atResponseBoundary()).isTrue();
    }

    @Test
    void theAnswerToHeadHasNoBodyWhateverItsLength() {
        backend.expectAnswer(true);

        assertThat(backend.receive(OK_HEAD + "Content-Length: 10\r\n\r\n")).containsExactly("head 200", "last ");
        assertThat(backend.head(0).contentLength()).isEqualTo(10);
        assertThat(backend.decoder.atResponseBoundary()).isTrue();
    }

    @Test
    void theAnswerToHeadHasNoBodyWhenChunked() {
        backend.expectAnswer(true);

        assertThat(backend.receive(OK_HEAD + "Transfer-Encoding: chunked\r\n\r\n")).containsExactly("head 200", "last ");
        assertThat(backend.head(0).chunked()).isTrue();
        assertThat(backend.decoder.atResponseBoundary()).isTrue();
    }

    @Test
    void theAnswerToHeadWithoutLengthDoesNotRunUntilClose() {
        backend.expectAnswer(true);

        assertThat(backend.receive(OK_HEAD + "\r\n")).containsExactly("head 200", "last ");
        assertThat(backend.decoder.atResponseBoundary()).isTrue();
    }

    @Test
    void anInterimAnswerIsFollowedByTheFinalOne() {
        backend.expectAnswer(false);

        assertThat(backend.receive("HTTP/1.1 100 Continue\r\n\r\n")).containsExactly("head 100", "last ");
        assertThat(backend.decoder.atResponseBoundary()).isFalse();
        assertThat(backend.receive("HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n" + OK_HEAD + "Content-Length: 2\r\n\r\nok"))
                .containsExactly("head 103", "last ", "head 200", "last ok");
        assertThat(backend.head(1).text()).isEqualTo("HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n");
        assertThat(backend.decoder.atResponseBoundary()).isTrue();
    }

    @Test
    void anInterimAnswerToHeadLeavesTheFinalOneWithoutBody() {
        backend.expectAnswer(true);

        assertThat(backend.receive("HTTP/1.1 100 Continue\r\nContent-Length: 4\r\n\r\n" + OK_HEAD + "Content-Length: 4\r\n\r\n"))
                .containsExactly("head 100", "last ", "head 200", "last ");
        assertThat(backend.decoder.atResponseBoundary()).isTrue();
    }

    // ---- chunks ----

    @Test
    void chunkExtensionsAreSkipped() {
        backend.expectAnswer(false);

        assertThat(backend.receive(OK_HEAD + "Transfer-Encoding: chunked\r\n\r\n"
                + "5;name=value;q=\"a b\"\r\nhello\r\n3 ; x\r\nabc\r\n0;last\r\n\r\n"))
                .containsExactly("head 200", "part hello", "part abc", "last ");
    }

    @Test
    void bareLineFeedsEndLinesToo() {
        backend.expectAnswer(false);

        assertThat(backend.receive("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\nX: y\n\n5\nhello\n0\nT: v\n\n"))
                .containsExactly("head 200", "part hello", "last  trailers [T: v]");
        assertThat(backend.head(0).text()).isEqualTo("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX: y\r\n");
    }

    @Test
    void trailersComeWithTheLastPartButNeverFraming() {
        backend.expectAnswer(false);

        assertThat(backend.receive(OK_HEAD + "Transfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n"
                + "X-Checksum:  abc \r\nContent-Length: 9\r\nTrailer: x\r\nTransfer-Encoding: chunked\r\nX-Other: 1\r\n\r\n"))
                .containsExactly("head 200", "part ok", "last  trailers [X-Checksum: abc, X-Other: 1]");
        assertThat(backend.decoder.atResponseBoundary()).isTrue();
    }

    @Test
    void sixteenHexDigitsMakeAChunkSize() {
        backend.expectAnswer(false);

        assertThat(backend.receive(OK_HEAD + "Transfer-Encoding: chunked\r\n\r\n000000000000000F\r\nabc"))
                .containsExactly("head 200", "part abc");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "00000000000000001\r\n",
        "8000000000000000\r\n",
        "ffffffffffffffff\r\n",
    })
    void aChunkSizeBeyondALongIsInvalid(String line) {
        backend.expectAnswer(false);

        assertThat(backend.receive(OK_HEAD + "Transfer-Encoding: chunked\r\n\r\n" + line))
                .containsExactly("head 200", "fail IllegalArgumentException: a chunk size is too large");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "\r\n",
        "g\r\n",
        "-1\r\n",
        " 5\r\n",
        "0x5\r\n",
        "5 \r\n",
        "5 x\r\n",
        "5;a\u0001b\r\n",
        "5;a\rb\r\n",
        "5\rX\n",
        "5\r\nhelloX\r\n",
        "5\r\nhello\rX",
        "0\r\n Folded: x\r\n\r\n",
        "0\r\nX : y\r\n\r\n",
        "0\r\nX: a\u0000b\r\n\r\n",
    })
    void aMalformedChunkIsInvalid(String chunks) {
        backend.expectAnswer(false);

        List<String> events = backend.receive(OK_HEAD + "Transfer-Encoding: chunked\r\n\r\n" + chunks);

        assertThat(events.get(0)).isEqualTo("head 200");
        assertThat(events.get(events.size() - 1)).startsWith("fail IllegalArgumentException: ");
        assertThat(events).filteredOn(e -> e.startsWith("fail")).hasSize(1);
        assertThat(backend.decoder.atResponseBoundary()).isFalse();
    }

    @Test
    void aTrailerSectionLargerThanAHeadIsInvalid() {
        backend.expectAnswer(false);
        backend.receive(OK_HEAD + "Transfer-Encoding: chunked\r\n\r\n0\r\n");

        assertThat(backend.receive(fields(ResponseDecoder.MAX_HEAD / 20)))
                .containsExactly("fail IllegalArgumentException: the trailer section is larger than 65536 bytes");
    }

    @Test
    void aTrailerSectionWithMoreFieldsThanAHeadIsInvalid() {
        backend.expectAnswer(false);
        backend.receive(OK_HEAD + "Transfer-Encoding: chunked\r\n\r\n0\r\n");

        assertThat(backend.receive("T: v\r\n".repeat(ResponseHead.MAX_FIELDS + 1) + "\r\n"))
                .containsExactly("fail IllegalArgumentException: the trailer section has more than 256 fields");
    }

    @Test
    void aChunkSizeLineMayBeEightKibibytesLong() {
        backend.expectAnswer(false);
        String line = "3;" + "e".repeat(ResponseDecoder.MAX_CHUNK_LINE - 2);

        assertThat(backend.receive(OK_HEAD + "Transfer-Encoding: chunked\r\n\r\n" + line + "\r\nabc\r\n0\r\n\r\n"))
                .containsExactly("head 200", "part abc", "last ");
    }

    @Test
    void aLongerChunkSizeLineIsInvalidBeforeItsEnd() {
        backend.expectAnswer(false);
        backend.receive(OK_HEAD + "Transfer-Encoding: chunked\r\n\r\n");

        assertThat(backend.receive("3;" + "e".repeat(ResponseDecoder.MAX_CHUNK_LINE + 1)))
                .containsExactly("fail IllegalArgumentException: a chunk-size line is longer than 8192 bytes");
    }

    // ---- heads ----

    @Test
    void theStatusLineMayLackAReason() {
        backend.expectAnswer(false);

        assertThat(backend.receive("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n")).containsExactly("head 200", "last ");
        assertThat(backend.head(0).text()).isEqualTo("HTTP/1.1 200 \r\nContent-Length: 0\r\n");
    }

    @Test
    void anEmptyReasonMayFollowItsSpace() {
        backend.expectAnswer(false);

        assertThat(backend.receive("HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n")).containsExactly("head 404", "last ");
        assertThat(backend.head(0).text()).isEqualTo("HTTP/1.1 404 \r\nContent-Length: 0\r\n");
    }

    @Test
    void theReasonMayHoldSpacesTabsAndObsText() {
        backend.expectAnswer(false);

        backend.receive("HTTP/1.1 200 Tout va\tbien \u00e9\r\nContent-Length: 0\r\n\r\n");

        assertThat(backend.head(0).text()).isEqualTo("HTTP/1.1 200 Tout va\tbien \u00e9\r\nContent-Length: 0\r\n");
    }

    @Test
    void aLaterMinorVersionIsReadAsOne() {
        backend.expectAnswer(false);

        backend.receive("HTTP/1.7 200 OK\r\nContent-Length: 0\r\n\r\n");

        assertThat(backend.head(0).minor()).isEqualTo(1);
    }

    @Test
    void fieldValuesLoseTheirSurroundingWhitespaceOnly() {
        backend.expectAnswer(false);

        backend.receive(OK_HEAD + "X-A:  \t a \t b \t\r\nX-B:\r\nX-C:x\u00ff\r\nContent-Length: 0\r\n\r\n");

        assertThat(backend.head(0).text())
                .isEqualTo(OK_HEAD + "X-A: a \t b\r\nX-B: \r\nX-C: x\u00ff\r\nContent-Length: 0\r\n");
    }

    @Test
    void connectionTokensDecideWhetherTheConnectionLives() {
        assertThat(keepAlive("HTTP/1.1 200 OK\r\n")).isTrue();
        assertThat(keepAlive("HTTP/1.1 200 OK\r\nConnection: Upgrade, CLOSE \r\n")).isFalse();
        assertThat(keepAlive("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nConnection:close\r\n")).isFalse();
        assertThat(keepAlive("HTTP/1.1 200 OK\r\nConnection: closed\r\n")).isTrue();
        assertThat(keepAlive("HTTP/1.0 200 OK\r\n")).isFalse();
        assertThat(keepAlive("HTTP/1.0 200 OK\r\nConnection: te,\tKeep-Alive\r\n")).isTrue();
    }

    private static boolean keepAlive(String head) {
        Backend connection = new Backend();
        try {
            connection.expectAnswer(false);
            connection.receive(head + "Content-Length: 0\r\n\r\n");
            return connection.head(0).keepAlive();
        } finally {
            connection.finish();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "HTTP/2.0 200 OK\r\n",
        "HTTP/0.9 200 OK\r\n",
        "HTTP/11.1 200 OK\r\n",
        "HTTP/1. 200 OK\r\n",
        "http/1.1 200 OK\r\n",
        "HTTPS/1.1 200 OK\r\n",
        "HTTP/1.1  200 OK\r\n",
        "HTTP/1.1 099 OK\r\n",
        "HTTP/1.1 20 OK\r\n",
        "HTTP/1.1 2000 OK\r\n",
        "HTTP/1.1 20x OK\r\n",
        "HTTP/1.1\t200 OK\r\n",
        "HTTP/1.1 200\tOK\r\n",
        "HTTP/1.1 200 O\u0001K\r\n",
        "HTTP/1.1 200 O\u007fK\r\n",
        "HTTP/1.1 200 OK\rX\r\n",
        "HTTP/1.1 200 OK\r\r\n",
        "\r\n",
        "SSH-2.0-OpenSSH_9.6\r\n",
    })
    void aMalformedStatusLineIsInvalid(String statusLine) {
        backend.expectAnswer(false);

        List<String> events = backend.receive(statusLine);

        assertThat(events).hasSize(1).first().asString().startsWith("fail IllegalArgumentException: ");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        " Leading: space",
        "\tLeading: tab",
        "Name : x",
        "Name\t: x",
        "Na me: x",
        ": x",
        "NoColon",
        "Name: a\rb",
        "Name: a\u0000b",
        "Name: a\u007fb",
        "N\u00e9: x",
        "Name: x\r\n folded",
        "Name: x\r\n\tfolded",
        "Name: x\r",
    })
    void aMalformedFieldIsInvalid(String field) {
        backend.expectAnswer(false);

        List<String> events = backend.receive(OK_HEAD + field + "\r\nContent-Length: 0\r\n\r\n");

        assertThat(events).hasSize(1).first().asString().startsWith("fail IllegalArgumentException: ");
    }

    @Test
    void aBareCarriageReturnEndsNoLine() {
        backend.expectAnswer(false);

        assertThat(backend.receive("HTTP/1.1 200 OK\rContent-Length: 0\r\n\r\n"))
                .containsExactly("fail IllegalArgumentException: the reason phrase holds a control character");
    }

    @Test
    void theHeadObjectIsReusedForTheNextAnswer() {
        backend.expectAnswer(false);
        backend.receive(OK_HEAD + "A: 1\r\nB: 2\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
        backend.expectAnswer(false);

        assertThat(backend.receive("HTTP/1.1 404 Not Found\r\nContent-Length: 1\r\n\r\nx"))
                .containsExactly("head 404", "last x");

        assertThat(backend.headObjects).hasSize(2);
        assertThat(backend.headObjects.get(1)).isSameAs(backend.headObjects.get(0));
        Head second = backend.head(1);
        assertThat(second.text()).isEqualTo("HTTP/1.1 404 Not Found\r\nContent-Length: 1\r\n");
        assertThat(second.chunked()).isFalse();
        assertThat(second.contentLength()).isEqualTo(1);
        assertThat(second.keepAlive()).isTrue();
    }

    @Test
    void aHeadMayHaveTheMostFields() {
        backend.expectAnswer(false);

        assertThat(backend.receive(OK_HEAD + fields(ResponseHead.MAX_FIELDS - 1) + "Content-Length: 0\r\n\r\n"))
                .containsExactly("head 200", "last ");
        assertThat(backend.head(0).fieldCount()).isEqualTo(ResponseHead.MAX_FIELDS);
    }

    @Test
    void oneFieldMoreIsInvalid() {
        backend.expectAnswer(false);

        assertThat(backend.receive(OK_HEAD + fields(ResponseHead.MAX_FIELDS) + "Content-Length: 0\r\n\r\n"))
                .containsExactly("fail IllegalArgumentException: the head has more than 256 fields");
    }

    @Test
    void aStatusLineMayBeEightKibibytesLong() {
        backend.expectAnswer(false);
        String statusLine = "HTTP/1.1 200 " + "r".repeat(ResponseDecoder.MAX_STATUS_LINE - 13);

        assertThat(backend.receive(statusLine + "\r\nContent-Length: 0\r\n\r\n")).containsExactly("head 200", "last ");
    }

    @Test
    void aLongerStatusLineIsInvalid() {
        backend.expectAnswer(false);
        String statusLine = "HTTP/1.1 200 " + "r".repeat(ResponseDecoder.MAX_STATUS_LINE - 12);

        assertThat(backend.receive(statusLine + "\r\n"))
                .containsExactly("fail IllegalArgumentException: the status line is longer than 8192 bytes");
    }

    @Test
    void aLongerStatusLineIsInvalidBeforeItsEnd() {
        backend.expectAnswer(false);

        assertThat(backend.receive("HTTP/1.1 200 " + "r".repeat(ResponseDecoder.MAX_STATUS_LINE)))
                .containsExactly("fail IllegalArgumentException: the status line is longer than 8192 bytes");
    }

    @Test
    void aHeadMayBeSixtyFourKibibytes() {
        backend.expectAnswer(false);

        assertThat(backend.receive(headOfSize(ResponseDecoder.MAX_HEAD))).containsExactly("head 200", "last ");
    }

    @Test
    void aLargerHeadIsInvalidAsSoonAsItIsTooLarge() {
        backend.expectAnswer(false);
        String head = headOfSize(ResponseDecoder.MAX_HEAD + 1);

        assertThat(backend.receive(head.substring(0, ResponseDecoder.MAX_HEAD)))
                .containsExactly("fail IllegalArgumentException: the head is larger than 65536 bytes");
        assertThat(backend.receive(head.substring(ResponseDecoder.MAX_HEAD))).isEmpty();
    }

    /** A head with a zero Content-Length of exactly {@code size} bytes, its empty line included. */
    private static String headOfSize(int size) {
        String start = OK_HEAD + "Content-Length: 0\r\n";
        String end = "\r\n\r\n";
        StringBuilder head = new StringBuilder(start);
        while (head.length() + 1000 + end.length() + 20 < size) {
            head.append("X-Filler: ").append("f".repeat(988)).append("\r\n");
        }
        int last = size - head.length() - "X-Last: ".length() - end.length();
        head.append("X-Last: ").append("l".repeat(last)).append(end);
        assertThat(head).hasSize(size);
        return head.toString();
    }

    private static String fields(int count) {
        StringBuilder fields = new StringBuilder();
        for (int i = 0; i < count; i++) {
            fields.append("X-Field-").append(i).append(": value\r\n");
        }
        return fields.toString();
    }

    // ---- where answers end ----

    @Test
    void bytesAfterTheAnswerAreNeverDecodedAndSpoilTheBoundary() {
        backend.expectAnswer(false);

        assertThat(backend.receive(OK_HEAD + "Content-Length: 2\r\n\r\nok" + OK_HEAD + "Content-Length: 8\r\n\r\nsmuggled"))
                .containsExactly("head 200", "last ok");
        assertThat(backend.decoder.atResponseBoundary()).isFalse();
        assertThat(backend.receive("more")).isEmpty();
        assertThat(backend.close()).isEmpty();
    }

    @Test
    void bytesBeforeAnyRequestAreNeverDecoded() {
        assertThat(backend.decoder.atResponseBoundary()).isTrue();

        assertThat(backend.receive(OK_HEAD + "Content-Length: 0\r\n\r\n")).isEmpty();

        assertThat(backend.decoder.atResponseBoundary()).isFalse();
    }

    @Test
    void aByteWhileIdleSpoilsTheBoundary() {
        backend.expectAnswer(false);
        backend.receive("HTTP/1.1 204 No Content\r\n\r\n");
        assertThat(backend.decoder.atResponseBoundary()).isTrue();

        assertThat(backend.receive("\r\n")).isEmpty();

        assertThat(backend.decoder.atResponseBoundary()).isFalse();
    }

    @Test
    void aHeadWholeInOneReadIsReadableWhenItIsHandled() {
        // The read ends with the head: the decoder's buffer is freed once the read is decoded.
        backend.expectAnswer(false);

        assertThat(backend.receive("HTTP/1.1 204 No Content\r\nX: y\r\n\r\n")).containsExactly("head 204", "last ");
        assertThat(backend.head(0).text()).isEqualTo("HTTP/1.1 204 No Content\r\nX: y\r\n");
    }

    @Test
    void aHeadReadAByteAtATimeSurvivesTheBufferBeingCompacted() {
        String answer = OK_HEAD + "Content-Type: text/plain\r\n" + fields(20) + "Content-Length: 0\r\n\r\n";
        backend.expectAnswer(false);

        for (char c : answer.toCharArray()) {
            backend.receive(String.valueOf(c));
        }

        assertThat(backend.head(0).text()).isEqualTo(answer.substring(0, answer.length() - 2));
    }

    @Test
    void onlyTheAnswerToAHeadRequestGoesWithoutBody() {
        backend.expectAnswer(true);
        assertThat(backend.receive(OK_HEAD + "Content-Length: 2\r\n\r\n")).containsExactly("head 200", "last ");
        backend.expectAnswer(false);

        assertThat(backend.receive(OK_HEAD + "Content-Length: 2\r\n\r\nok")).containsExactly("head 200", "last ok");
        assertThat(backend.decoder.atResponseBoundary()).isTrue();
    }

    @Test
    void anAnswerCutShortInItsHeadFails() {
        backend.expectAnswer(false);
        backend.receive(OK_HEAD + "Content-Len");

        assertThat(backend.close()).containsExactly("fail PrematureChannelClosureException: the backend closed the connection in an answer's head");
    }

    @Test
    void anAnswerCutShortAfterAnInterimAnswerFails() {
        backend.expectAnswer(false);
        backend.receive("HTTP/1.1 100 Continue\r\n\r\n");

        assertThat(backend.close()).containsExactly("fail PrematureChannelClosureException: the backend closed the connection in an answer's head");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Content-Length: 5\r\n\r\nhell",
        "Content-Length: 5\r\n\r\n",
        "Transfer-Encoding: chunked\r\n\r\n",
        "Transfer-Encoding: chunked\r\n\r\n5",
        "Transfer-Encoding: chunked\r\n\r\n5\r\nhel",
        "Transfer-Encoding: chunked\r\n\r\n5\r\nhello",
        "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r",
        "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n",
        "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX: y\r\n",
    })
    void anAnswerCutShortInItsBodyFails(String rest) {
        backend.expectAnswer(false);
        backend.receive(OK_HEAD + rest);

        assertThat(backend.shutdownInput())
                .containsExactly("fail PrematureChannelClosureException: the backend closed the connection in an answer's body");
        assertThat(backend.close()).isEmpty();
        assertThat(backend.decoder.atResponseBoundary()).isFalse();
    }

    @Test
    void aConnectionClosedBeforeItsAnswerStartedSaysNothing() {
        backend.expectAnswer(false);

        assertThat(backend.close()).isEmpty();
    }

    @Test
    void nothingIsDecodedAfterAFailure() {
        backend.expectAnswer(false);
        assertThat(backend.receive("HTTP/2.0 200 OK\r\n\r\n")).hasSize(1);

        backend.expectAnswer(false);

        assertThat(backend.receive(OK_HEAD + "Content-Length: 0\r\n\r\n")).isEmpty();
        assertThat(backend.close()).isEmpty();
        assertThat(backend.decoder.atResponseBoundary()).isFalse();
    }

    // ---- the same bytes however they are cut ----

    @Test
    void aContentLengthAnswerReadsTheSameAtEveryCut() {
        assertSameReadingAtEveryCut(false, OK_HEAD + "Date: today\r\nContent-Length: 11\r\n\r\nhello world");
    }

    @Test
    void aChunkedAnswerWithExtensionsAndTrailersReadsTheSameAtEveryCut() {
        assertSameReadingAtEveryCut(false, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nVary: *\r\n\r\n"
                + "5;a=b\r\nhello\r\n1\nx\n6 ; c\r\n world\r\n0;end\r\nX-Sum: 1\r\nX-Two:  2 \n\r\n");
    }

    @Test
    void anInterimThenFinalAnswerReadsTheSameAtEveryCut() {
        assertSameReadingAtEveryCut(false, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok");
    }

    @Test
    void theAnswerToHeadReadsTheSameAtEveryCut() {
        assertSameReadingAtEveryCut(true, OK_HEAD + "Content-Length: 1000\r\nETag: \"x\"\r\n\r\n");
    }

    @Test
    void anInvalidAnswerFailsTheSameAtEveryCut() {
        assertSameReadingAtEveryCut(false, OK_HEAD + "Transfer-Encoding: chunked\r\n\r\n5\r\nhelloX\r\n");
    }

    private static void assertSameReadingAtEveryCut(boolean headRequest, String answer) {
        Reading whole = read(headRequest, answer);
        assertThat(whole.events()).isNotEmpty();
        for (int cut = 1; cut < answer.length(); cut++) {
            assertThat(read(headRequest, answer.substring(0, cut), answer.substring(cut)))
                    .as("cut at %d", cut).isEqualTo(whole);
        }
        String[] bytes = answer.split("");
        assertThat(read(headRequest, bytes)).as("a byte at a time").isEqualTo(whole);
    }

    private static Reading read(boolean headRequest, String... pieces) {
        Backend connection = new Backend();
        try {
            connection.expectAnswer(headRequest);
            List<String> events = new ArrayList<>();
            for (String piece : pieces) {
                events.addAll(connection.receive(piece));
            }
            return new Reading(bodiesJoined(events), connection.heads, connection.decoder.atResponseBoundary());
        } finally {
            connection.finish();
        }
    }

    /** The events with each body's parts joined, since where parts are cut depends on the reads. */
    private static List<String> bodiesJoined(List<String> events) {
        List<String> joined = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        for (String event : events) {
            if (event.startsWith("part ")) {
                body.append(event.substring(5));
            } else if (event.startsWith("last ")) {
                joined.add("body " + body + event.substring(5));
                body.setLength(0);
            } else {
                joined.add(event);
            }
        }
        return joined;
    }

    private record Reading(List<String> events, List<Head> heads, boolean atBoundary) {
    }

    /** What a head said when it was handled, as it would be forwarded. */
    record Head(String text, int minor, long contentLength, boolean chunked, boolean keepAlive, int fieldCount) {

        static Head of(ResponseHead head) {
            ByteBuf copy = Unpooled.buffer(head.copiedSize());
            try {
                copy.writeCharSequence("HTTP/1." + head.minorVersion(), CharsetUtil.ISO_8859_1);
                head.copyStatus(copy);
                copy.writeCharSequence("\r\n", CharsetUtil.ISO_8859_1);
                for (int i = 0; i < head.fieldCount(); i++) {
                    head.copyField(i, copy);
                }
                return new Head(copy.toString(CharsetUtil.ISO_8859_1), head.minorVersion(), head.contentLength(),
                        head.chunked(), head.keepAlive(), head.fieldCount());
            } finally {
                copy.release();
            }
        }
    }

    /** A backend connection's decoder and what came out of it, each message read when it was fired. */
    static final class Backend {

        final ResponseDecoder decoder = new ResponseDecoder();
        final List<Head> heads = new ArrayList<>();
        final List<ResponseHead> headObjects = new ArrayList<>();
        private final List<String> events = new ArrayList<>();
        private final List<ByteBuf> received = new ArrayList<>();
        private final EmbeddedChannel channel = new EmbeddedChannel(decoder, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                record(msg);
            }
        });

        void expectAnswer(boolean headRequest) {
            decoder.expectAnswer(headRequest);
        }

        Head head(int i) {
            return heads.get(i);
        }

        List<String> receive(String bytes) {
            ByteBuf buffer = Unpooled.copiedBuffer(bytes, CharsetUtil.ISO_8859_1);
            received.add(buffer);
            channel.writeInbound(buffer);
            return drained();
        }

        List<String> close() {
            channel.close();
            return drained();
        }

        List<String> shutdownInput() {
            channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
            return drained();
        }

        void finish() {
            channel.finishAndReleaseAll();
            for (ByteBuf buffer : received) {
                assertThat(buffer.refCnt()).as("a buffer received").isZero();
            }
        }

        private List<String> drained() {
            channel.runPendingTasks();
            channel.checkException();
            assertThat((Object) channel.readInbound()).as("nothing reaches the pipeline's end").isNull();
            List<String> drained = new ArrayList<>(events);
            events.clear();
            return drained;
        }

        private void record(Object msg) {
            try {
                if (msg instanceof ResponseHead head) {
                    headObjects.add(head);
                    heads.add(Head.of(head));
                    events.add("head " + head.status());
                } else if (msg instanceof LastHttpContent last) {
                    if (last.decoderResult().isFailure()) {
                        Throwable cause = last.decoderResult().cause();
                        events.add("fail " + cause.getClass().getSimpleName() + ": " + cause.getMessage());
                        return;
                    }
                    StringBuilder event = new StringBuilder("last ").append(last.content().toString(CharsetUtil.ISO_8859_1));
                    if (!last.trailingHeaders().isEmpty()) {
                        List<String> trailers = new ArrayList<>();
                        for (Map.Entry<String, String> trailer : last.trailingHeaders()) {
                            trailers.add(trailer.getKey() + ": " + trailer.getValue());
                        }
                        event.append(" trailers ").append(trailers);
                    }
                    events.add(event.toString());
                } else if (msg instanceof HttpContent part) {
                    events.add("part " + part.content().toString(CharsetUtil.ISO_8859_1));
                } else {
                    events.add("unexpected " + msg);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }
}
