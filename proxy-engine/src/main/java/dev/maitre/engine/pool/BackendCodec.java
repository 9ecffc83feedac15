package dev.maitre.engine.pool;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;

/**
 * The HTTP/1.1 codec of a backend connection. Besides decoding answers (a HEAD request's answer has
 * no body, whatever its head says) it knows where the answer to the request in flight ended, and
 * whether any byte came after that end: such a byte belongs to no request (a second answer, bytes
 * past {@code Content-Length}, anything sent while the connection sat idle), so the connection can
 * no longer be trusted and is not reused.
 *
 * <p>maitre sends one request at a time on a backend connection, so one flag per connection is all
 * the request/answer pairing needs.
 */
final class BackendCodec extends CombinedChannelDuplexHandler<BackendCodec.AnswerDecoder, HttpRequestEncoder> {

    BackendCodec(HttpDecoderConfig config) {
        super(new AnswerDecoder(config), new HttpRequestEncoder());
    }

    /** A request is about to be sent: its answer comes next; {@code head} when it is a HEAD request. */
    void expectAnswer(boolean head) {
        inboundHandler().expectAnswer(head);
    }

    /** Whether the answer ended and nothing came after its last byte. */
    boolean atCleanBoundary() {
        return inboundHandler().ended && !inboundHandler().trailingBytes;
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
                if (msg instanceof HttpResponse response && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
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
