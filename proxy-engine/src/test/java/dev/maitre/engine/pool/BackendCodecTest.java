package dev.maitre.engine.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.engine.http1.OutgoingHead;
import dev.maitre.engine.http1.ResponseHead;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Where a backend's answer ends, and whether anything came after it. */
class BackendCodecTest {

    private final BackendCodec codec = new BackendCodec();
    private final EmbeddedChannel channel = new EmbeddedChannel(codec);

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private List<Object> receive(String bytes) {
        channel.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.US_ASCII));
        List<Object> messages = new ArrayList<>();
        for (Object msg = channel.readInbound(); msg != null; msg = channel.readInbound()) {
            messages.add(msg);
        }
        return messages;
    }

    /** Sends a request on the connection, as an exchange does before its answer comes. */
    private void send(HttpMethod method) {
        channel.writeOutbound(new OutgoingHead(Unpooled.copiedBuffer(method + " / HTTP/1.1\r\n\r\n", StandardCharsets.US_ASCII),
                false, method.equals(HttpMethod.HEAD)));
        channel.writeOutbound(LastHttpContent.EMPTY_LAST_CONTENT);
        sent();
    }

    /** What went out on the connection since the last call. */
    private String sent() {
        StringBuilder out = new StringBuilder();
        for (Object encoded = channel.readOutbound(); encoded != null; encoded = channel.readOutbound()) {
            out.append(((ByteBuf) encoded).toString(StandardCharsets.ISO_8859_1));
            ReferenceCountUtil.release(encoded);
        }
        return out.toString();
    }

    @Test
    void aHeadGoesOutAsItsBytesAndABodyAsItIs() {
        channel.writeOutbound(new OutgoingHead(Unpooled.copiedBuffer("PUT /a HTTP/1.1\r\ncontent-length: 5\r\n\r\n",
                StandardCharsets.US_ASCII), false, false));
        channel.writeOutbound(new DefaultHttpContent(Unpooled.copiedBuffer("he", StandardCharsets.US_ASCII)));
        channel.writeOutbound(new DefaultLastHttpContent(Unpooled.copiedBuffer("llo", StandardCharsets.US_ASCII)));
        assertThat(sent()).isEqualTo("PUT /a HTTP/1.1\r\ncontent-length: 5\r\n\r\nhello");
    }

    @Test
    void aChunkedBodyGoesOutInChunksWithItsTrailers() {
        channel.writeOutbound(new OutgoingHead(Unpooled.copiedBuffer("POST /a HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n",
                StandardCharsets.US_ASCII), true, false));
        channel.writeOutbound(new DefaultHttpContent(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII)));
        channel.writeOutbound(new DefaultHttpContent(Unpooled.EMPTY_BUFFER));
        DefaultLastHttpContent last = new DefaultLastHttpContent(Unpooled.copiedBuffer(" world!", StandardCharsets.US_ASCII));
        last.trailingHeaders().add("X-Checksum", "abc");
        channel.writeOutbound(last);
        assertThat(sent()).isEqualTo("POST /a HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n7\r\n world!\r\n0\r\nX-Checksum: abc\r\n\r\n");
    }

    private static void release(List<Object> messages) {
        messages.forEach(ReferenceCountUtil::release);
    }

    @Test
    void aConnectionNeverAskedIsAtABoundaryUntilItReceivesAByte() {
        assertThat(codec.atResponseBoundary()).isTrue();

        assertThat(receive("H")).isEmpty();

        assertThat(codec.atResponseBoundary()).isFalse();
    }

    @Test
    void anAnswerReadWholeEndsAtABoundary() {
        send(HttpMethod.GET);
        assertThat(codec.atResponseBoundary()).isFalse();

        List<Object> messages = receive("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

        assertThat(messages).hasSize(2).last().isInstanceOf(LastHttpContent.class);
        assertThat(codec.atResponseBoundary()).isTrue();
        release(messages);
    }

    @Test
    void anAnswerInPiecesIsAtNoBoundaryUntilItsLastByte() {
        send(HttpMethod.GET);
        release(receive("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab"));
        assertThat(codec.atResponseBoundary()).isFalse();

        release(receive("cd"));

        assertThat(codec.atResponseBoundary()).isTrue();
    }

    @Test
    void bytesAfterTheAnswerAreNeverDecodedAndSpoilTheBoundary() {
        send(HttpMethod.GET);

        List<Object> messages = receive("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                + "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsmuggled");

        assertThat(messages).hasSize(2);
        assertThat(codec.atResponseBoundary()).isFalse();
        release(messages);
    }

    @Test
    void aPartialLineWhileIdleSpoilsTheBoundary() {
        send(HttpMethod.GET);
        release(receive("HTTP/1.1 204 No Content\r\n\r\n"));
        assertThat(codec.atResponseBoundary()).isTrue();

        assertThat(receive("HTTP/1.1 200 OK\r\n")).isEmpty();

        assertThat(codec.atResponseBoundary()).isFalse();
    }

    @Test
    void anInterimAnswerIsNotTheEnd() {
        send(HttpMethod.GET);

        List<Object> interim = receive("HTTP/1.1 100 Continue\r\n\r\n");

        assertThat(interim).first().isInstanceOf(ResponseHead.class);
        assertThat(codec.atResponseBoundary()).isFalse();
        release(interim);
        release(receive("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
        assertThat(codec.atResponseBoundary()).isTrue();
    }

    @Test
    void anAnswerToHeadHasNoBodyWhateverItsHeadSays() {
        send(HttpMethod.HEAD);

        List<Object> messages = receive("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");

        assertThat(messages).hasSize(2).last().isInstanceOf(LastHttpContent.class);
        assertThat(((HttpContent) messages.get(1)).content().readableBytes()).isZero();
        assertThat(codec.atResponseBoundary()).isTrue();
        release(messages);
    }

    @Test
    void theNextRequestStartsTheNextAnswer() {
        send(HttpMethod.HEAD);
        release(receive("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n"));
        send(HttpMethod.GET);

        List<Object> messages = receive("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc");

        assertThat(messages).hasSize(2);
        assertThat(((HttpContent) messages.get(1)).content().toString(StandardCharsets.US_ASCII)).isEqualTo("abc");
        assertThat(codec.atResponseBoundary()).isTrue();
        release(messages);
    }
}
