package dev.maitre.engine.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Where a backend's answer ends, and whether anything came after it. */
class BackendCodecTest {

    private final BackendCodec codec = new BackendCodec(BackendPools.decoderConfig());
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

    private static void release(List<Object> messages) {
        messages.forEach(ReferenceCountUtil::release);
    }

    @Test
    void aConnectionNeverAskedIsAtABoundaryUntilItReceivesAByte() {
        assertThat(codec.atCleanBoundary()).isTrue();

        assertThat(receive("H")).isEmpty();

        assertThat(codec.atCleanBoundary()).isFalse();
    }

    @Test
    void anAnswerReadWholeEndsAtABoundary() {
        codec.expectAnswer(false);
        assertThat(codec.atCleanBoundary()).isFalse();

        List<Object> messages = receive("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

        assertThat(messages).hasSize(2).last().isInstanceOf(LastHttpContent.class);
        assertThat(codec.atCleanBoundary()).isTrue();
        release(messages);
    }

    @Test
    void anAnswerInPiecesIsAtNoBoundaryUntilItsLastByte() {
        codec.expectAnswer(false);
        release(receive("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab"));
        assertThat(codec.atCleanBoundary()).isFalse();

        release(receive("cd"));

        assertThat(codec.atCleanBoundary()).isTrue();
    }

    @Test
    void bytesAfterTheAnswerAreNeverDecodedAndSpoilTheBoundary() {
        codec.expectAnswer(false);

        List<Object> messages = receive("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                + "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsmuggled");

        assertThat(messages).hasSize(2);
        assertThat(codec.atCleanBoundary()).isFalse();
        release(messages);
    }

    @Test
    void aPartialLineWhileIdleSpoilsTheBoundary() {
        codec.expectAnswer(false);
        release(receive("HTTP/1.1 204 No Content\r\n\r\n"));
        assertThat(codec.atCleanBoundary()).isTrue();

        assertThat(receive("HTTP/1.1 200 OK\r\n")).isEmpty();

        assertThat(codec.atCleanBoundary()).isFalse();
    }

    @Test
    void anInterimAnswerIsNotTheEnd() {
        codec.expectAnswer(false);

        List<Object> interim = receive("HTTP/1.1 100 Continue\r\n\r\n");

        assertThat(interim).first().isInstanceOf(HttpResponse.class);
        assertThat(codec.atCleanBoundary()).isFalse();
        release(interim);
        release(receive("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
        assertThat(codec.atCleanBoundary()).isTrue();
    }

    @Test
    void anAnswerToHeadHasNoBodyWhateverItsHeadSays() {
        codec.expectAnswer(true);

        List<Object> messages = receive("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");

        assertThat(messages).hasSize(2).last().isInstanceOf(LastHttpContent.class);
        assertThat(((HttpContent) messages.get(1)).content().readableBytes()).isZero();
        assertThat(codec.atCleanBoundary()).isTrue();
        release(messages);
    }

    @Test
    void theNextRequestStartsTheNextAnswer() {
        codec.expectAnswer(true);
        release(receive("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n"));
        codec.expectAnswer(false);

        List<Object> messages = receive("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc");

        assertThat(messages).hasSize(2);
        assertThat(((HttpContent) messages.get(1)).content().toString(StandardCharsets.US_ASCII)).isEqualTo("abc");
        assertThat(codec.atCleanBoundary()).isTrue();
        release(messages);
    }
}
