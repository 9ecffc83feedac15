package dev.maitre.engine.pool;

import dev.maitre.engine.http1.ResponseDecoder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import java.util.List;

/**
 * The HTTP/1.1 codec of a backend connection: Netty's request encoder and maitre's byte-level
 * {@link ResponseDecoder}, paired as in Netty's {@code HttpClientCodec} so that the answer to a HEAD
 * request is read without a body, and knowing where the answer to the request in flight ends. A byte
 * after that end belongs to no request (a second answer, bytes past {@code Content-Length}, anything
 * sent while the connection sits idle): it is never decoded, since it would be read as the start of
 * the next client's answer, and the connection is no longer at a response boundary, so it is never
 * reused.
 *
 * <p>maitre sends one request at a time on a backend connection, so the request being encoded is the
 * one whose answer comes next.
 */
public final class BackendCodec extends CombinedChannelDuplexHandler<ResponseDecoder, BackendCodec.RequestEncoder> {

    public BackendCodec() {
        ResponseDecoder decoder = new ResponseDecoder();
        init(decoder, new RequestEncoder(decoder));
    }

    /** The codec of {@code channel}, a backend connection. */
    static BackendCodec of(Channel channel) {
        return channel.pipeline().get(BackendCodec.class);
    }

    /** Whether the last answer ended and no byte came after it: the only state a connection is reused in. */
    public boolean atResponseBoundary() {
        return inboundHandler().atResponseBoundary();
    }

    static final class RequestEncoder extends HttpRequestEncoder {

        private final ResponseDecoder decoder;

        RequestEncoder(ResponseDecoder decoder) {
            this.decoder = decoder;
        }

        @Override
        protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) throws Exception {
            if (msg instanceof HttpRequest request) {
                decoder.expectAnswer(HttpMethod.HEAD.equals(request.method()));
            }
            super.encode(ctx, msg, out);
        }
    }
}
