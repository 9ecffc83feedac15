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
import java.util.List;

/**
 * The HTTP/1.1 codec of a backend connection: Netty's request encoder and response decoder, paired as
 * in Netty's {@code HttpClientCodec} so that the answer to a HEAD request is read without a body, and
 * knowing where the answer to the request in flight ends. A byte after that end belongs to no request
 * (a second answer, bytes past {@code Content-Length}, anything sent while the connection sits idle):
 * it is never decoded, since it would be read as the start of the next client's answer, and the
 * connection is no longer at a response boundary, so it is never reused.
 *
 * <p>maitre sends one request at a time on a backend connection, so the request being encoded is the
 * one whose answer comes next.
 */
public final class BackendCodec extends CombinedChannelDuplexHandler<BackendCodec.AnswerDecoder, BackendCodec.RequestEncoder> {

    public BackendCodec() {
        AnswerDecoder decoder = new AnswerDecoder(decoderConfig());
        init(decoder, new RequestEncoder(decoder));
    }

    private static HttpDecoderConfig decoderConfig() {
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(8192)
                .setMaxHeaderSize(64 * 1024)
                .setMaxChunkSize(64 * 1024);
    }

    /** The codec of {@code channel}, a backend connection. */
    static BackendCodec of(Channel channel) {
        return channel.pipeline().get(BackendCodec.class);
    }

    /** Whether the last answer ended and no byte came after it: the only state a connection is reused in. */
    public boolean atResponseBoundary() {
        return inboundHandler().ended && !inboundHandler().trailingBytes;
    }

    static final class RequestEncoder extends HttpRequestEncoder {

        private final AnswerDecoder decoder;

        RequestEncoder(AnswerDecoder decoder) {
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

    static final class AnswerDecoder extends HttpResponseDecoder {

        private boolean head;
        private boolean finalAnswer;
        /** The final answer's last part was decoded: any further byte is outside every answer. */
        private boolean ended = true;
        private boolean trailingBytes;

        AnswerDecoder(HttpDecoderConfig config) {
            super(config);
        }

        void expectAnswer(boolean headRequest) {
            head = headRequest;
            finalAnswer = false;
            ended = false;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
            if (ended) {
                // Left where it is: the connection is closed rather than reused, so nothing reads it.
                trailingBytes |= buffer.isReadable();
                return;
            }
            int before = out.size();
            super.decode(ctx, buffer, out);
            for (int i = before; i < out.size(); i++) {
                Object msg = out.get(i);
                if (msg instanceof HttpResponse response
                        && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
                    finalAnswer = true;
                }
                if (msg instanceof LastHttpContent && finalAnswer) {
                    ended = true;
                }
            }
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpMessage msg) {
            if (head && ((HttpResponse) msg).status().codeClass() != HttpStatusClass.INFORMATIONAL) {
                return true;
            }
            return super.isContentAlwaysEmpty(msg);
        }
    }
}
