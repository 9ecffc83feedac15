package dev.maitre.engine.pool;

import io.netty.buffer.ByteBuf;
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
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The HTTP/1.1 codec of a backend connection: Netty's request encoder and response decoder, paired
 * as in Netty's {@code HttpClientCodec} so that the answer to a HEAD request is read without a body,
 * and able to tell whether every byte the backend sent belongs to a response decoded to its end.
 * Bytes beyond, buffered or already taken into a head the decoder has begun, would be read as the
 * beginning of the answer to the next request sent on the connection; such a connection is never
 * reused.
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

    /** True when every byte received so far belongs to a response decoded to its end. */
    public boolean atResponseBoundary() {
        return inboundHandler().atResponseBoundary();
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

        /** The last bytes decoded ended a response, not a head or a part of a body still to come. */
        private boolean afterLastContent = true;

        ResponseDecoder(HttpDecoderConfig config) {
            super(config);
        }

        boolean atResponseBoundary() {
            return afterLastContent && actualReadableBytes() == 0;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
            int readerBefore = buffer.readerIndex();
            int outBefore = out.size();
            super.decode(ctx, buffer, out);
            if (out.size() > outBefore) {
                Object last = out.get(out.size() - 1);
                afterLastContent = last instanceof LastHttpContent end && end.decoderResult().isSuccess();
            } else if (buffer.readerIndex() != readerBefore) {
                afterLastContent = false;
            }
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
