package dev.maitre.engine.pool;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpStatusClass;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The HTTP/1.1 codec of a backend connection: Netty's request encoder and response decoder, paired
 * as in Netty's {@code HttpClientCodec} so that the answer to a HEAD request is read without a body,
 * and able to tell whether it holds bytes from the backend that belong to no message decoded so far.
 * Such bytes, left over after a response, would be read as the beginning of the answer to the next
 * request sent on the connection; a connection holding them is never reused.
 */
public final class BackendCodec extends CombinedChannelDuplexHandler<BackendCodec.ResponseDecoder, BackendCodec.RequestEncoder> {

    /** The methods of the requests sent whose final answer has not been decoded yet, oldest first. */
    private final ArrayDeque<HttpMethod> methods = new ArrayDeque<>(2);

    public BackendCodec() {
        init(new ResponseDecoder(decoderConfig()), new RequestEncoder());
    }

    /** The codec of {@code channel}, a backend connection. */
    static BackendCodec of(Channel channel) {
        return channel.pipeline().get(BackendCodec.class);
    }

    /** True when bytes arrived from the backend beyond the messages decoded so far. */
    public boolean holdsUnreadBytes() {
        return inboundHandler().unread() > 0;
    }

    private static HttpDecoderConfig decoderConfig() {
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(8192)
                .setMaxHeaderSize(64 * 1024)
                .setMaxChunkSize(64 * 1024);
    }

    final class RequestEncoder extends HttpRequestEncoder {

        @Override
        protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) throws Exception {
            if (msg instanceof HttpRequest request) {
                methods.add(request.method());
            }
            super.encode(ctx, msg, out);
        }
    }

    final class ResponseDecoder extends HttpResponseDecoder {

        ResponseDecoder(HttpDecoderConfig config) {
            super(config);
        }

        int unread() {
            return actualReadableBytes();
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpMessage msg) {
            // An interim answer leaves the request waiting for its final one.
            if (((HttpResponse) msg).status().codeClass() != HttpStatusClass.INFORMATIONAL
                    && HttpMethod.HEAD.equals(methods.poll())) {
                return true;
            }
            return super.isContentAlwaysEmpty(msg);
        }
    }
}
