package dev.maitre.engine.pool;

import dev.maitre.engine.http1.ChunkFraming;
import dev.maitre.engine.http1.OutgoingHead;
import dev.maitre.engine.http1.ResponseDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * The HTTP/1.1 codec of a backend connection: request heads go out as the bytes the exchange encoded
 * ({@link OutgoingHead}), their bodies as they are or in chunks ({@link ChunkFraming}), and answers
 * are read by maitre's byte-level {@link ResponseDecoder}, told by each head whether its answer has
 * a body (none after a HEAD request) and so knowing where the answer to the request in flight ends. A byte
 * after that end belongs to no request (a second answer, bytes past {@code Content-Length}, anything
 * sent while the connection sits idle): it is never decoded, since it would be read as the start of
 * the next client's answer, and the connection is no longer at a response boundary, so it is never
 * reused.
 *
 * <p>maitre sends one request at a time on a backend connection, so the request being encoded is the
 * one whose answer comes next.
 */
public final class BackendCodec extends CombinedChannelDuplexHandler<ResponseDecoder, ChannelOutboundHandlerAdapter> {

    /** The codec of an HTTP/1.1 connection. */
    public BackendCodec() {
        ResponseDecoder decoder = new ResponseDecoder();
        init(decoder, new RequestEncoder(decoder));
    }

    /**
     * The codec of one HTTP/2 stream: the same reading of answers, behind {@code bridge}, which writes
     * the stream's frames as HTTP/1.1; requests written as frames ({@link Http2RequestEncoder}).
     */
    BackendCodec(Http2StreamBridge bridge, boolean tls) {
        ResponseDecoder decoder = new ResponseDecoder();
        init(decoder, new Http2RequestEncoder(decoder, bridge, tls));
    }

    /** The codec of {@code channel}, a backend connection. */
    static BackendCodec of(Channel channel) {
        return channel.pipeline().get(BackendCodec.class);
    }

    /** Whether the last answer ended and no byte came after it: the only state a connection is reused in. */
    public boolean atResponseBoundary() {
        return inboundHandler().atResponseBoundary();
    }

    static final class RequestEncoder extends ChannelOutboundHandlerAdapter {

        private final ResponseDecoder decoder;
        private final ChunkFraming framing = new ChunkFraming();

        RequestEncoder(ResponseDecoder decoder) {
            this.decoder = decoder;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof OutgoingHead head) {
                decoder.expectAnswer(head.headRequest(), head.upgrade());
                framing.start(head.chunked());
                ctx.write(head.content(), promise);
            } else if (msg instanceof LastHttpContent last) {
                framing.end(ctx, last, promise);
            } else if (msg instanceof HttpContent content) {
                ByteBuf data = content.content().retain();
                content.release();
                framing.body(ctx, data, promise);
            } else {
                ctx.write(msg, promise);
            }
        }
    }
}
