package dev.maitre.engine.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.engine.http1.ResponseDecoder;
import dev.maitre.engine.http1.ResponseHead;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bytes an HTTP/1.1 client connection receives for an answer: the head copied from the
 * backend's, the body as it came or in chunks, the trailers after the last chunk.
 */
class ClientResponseWriterTest {

    private final EmbeddedChannel client = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    private final ChannelHandlerContext ctx = client.pipeline().firstContext();
    private final ClientResponseWriter writer = new ClientResponseWriter();

    @AfterEach
    void release() {
        client.finishAndReleaseAll();
    }

    /** Decodes {@code head} as a backend connection does and writes it to the client as the writer frames it. */
    private boolean writeHead(String head, boolean headRequest, boolean http10, boolean keepAliveWanted) {
        writer.startAnswer(headRequest, http10);
        boolean[] keepAlive = new boolean[1];
        EmbeddedChannel backend = new EmbeddedChannel(new ResponseDecoder(), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext backendCtx, Object msg) {
                if (msg instanceof ResponseHead decoded) {
                    keepAlive[0] = writer.head(ctx, decoded, keepAliveWanted);
                }
                ReferenceCountUtil.release(msg);
            }
        });
        ((ResponseDecoder) backend.pipeline().first()).expectAnswer(headRequest);
        backend.writeInbound(Unpooled.copiedBuffer(head, ISO_8859_1));
        backend.finishAndReleaseAll();
        return keepAlive[0];
    }

    private String written() {
        client.flush();
        StringBuilder text = new StringBuilder();
        ByteBuf part;
        while ((part = client.readOutbound()) != null) {
            text.append(part.toString(ISO_8859_1));
            part.release();
        }
        return text.toString();
    }

    @Test
    void aBodyWithoutLengthGoesInChunksWithItsTrailersAfterTheLast() {
        assertThat(writeHead("HTTP/1.1 200 OK\r\nX-App: 1\r\nTransfer-Encoding: chunked\r\n\r\n", false, false, true))
                .isTrue();
        writer.body(ctx, Unpooled.copiedBuffer("hello", ISO_8859_1));
        writer.body(ctx, Unpooled.copiedBuffer("x".repeat(300), ISO_8859_1));
        LastHttpContent last = new DefaultLastHttpContent(Unpooled.copiedBuffer("!", ISO_8859_1));
        last.trailingHeaders().add("X-Checksum", "abc");
        writer.end(ctx, last);

        assertThat(written()).isEqualTo("HTTP/1.1 200 OK\r\nX-App: 1\r\ntransfer-encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n12c\r\n" + "x".repeat(300) + "\r\n1\r\n!\r\n0\r\nX-Checksum: abc\r\n\r\n");
    }

    @Test
    void anEmptyChunkedBodyIsTheLastChunkAlone() {
        writeHead("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", false, false, true);
        writer.body(ctx, Unpooled.EMPTY_BUFFER);
        writer.end(ctx, LastHttpContent.EMPTY_LAST_CONTENT);

        assertThat(written()).endsWith("\r\n\r\n0\r\n\r\n");
    }

    @Test
    void aBodyWithItsLengthGoesAsItCameAndTrailersCannotFollow() {
        writeHead("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n", false, false, true);
        writer.body(ctx, Unpooled.copiedBuffer("hel", ISO_8859_1));
        LastHttpContent last = new DefaultLastHttpContent(Unpooled.copiedBuffer("lo!", ISO_8859_1));
        last.trailingHeaders().add("X-Checksum", "abc");
        writer.end(ctx, last);

        assertThat(written()).isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nhello!");
    }

    @Test
    void anHttp10ClientGetsABodyWithoutLengthUntilTheConnectionCloses() {
        assertThat(writeHead("HTTP/1.1 200 OK\r\n\r\n", false, true, true)).isFalse();
        writer.body(ctx, Unpooled.copiedBuffer("hello", ISO_8859_1));
        writer.end(ctx, LastHttpContent.EMPTY_LAST_CONTENT);

        assertThat(written()).isEqualTo("HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nhello");
    }

    @Test
    void anInterimAnswerReachesAnHttp11ClientOnly() {
        EmbeddedChannel backend = new EmbeddedChannel(new ResponseDecoder(), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext backendCtx, Object msg) {
                if (msg instanceof ResponseHead decoded && decoded.isInformational()) {
                    writer.interim(ctx, decoded);
                }
                ReferenceCountUtil.release(msg);
            }
        });
        ((ResponseDecoder) backend.pipeline().first()).expectAnswer(false);
        writer.startAnswer(false, true);
        backend.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n", ISO_8859_1));
        assertThat(written()).isEmpty();
        writer.startAnswer(false, false);
        backend.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 103 Early Hints\r\nLink: </b.css>\r\n"
                + "Connection: keep-alive\r\n\r\n", ISO_8859_1));
        backend.finishAndReleaseAll();

        assertThat(written()).isEqualTo("HTTP/1.1 103 Early Hints\r\nLink: </b.css>\r\n\r\n");
    }
}
