package dev.maitre.engine.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;

/**
 * Netty's request decoder with one more rule: a header line that begins with whitespace (an
 * obsolete line folding, or whitespace between the request line and the first header) is rejected,
 * where Netty would unfold it. RFC 9112 §5.2 and §2.2 allow either; an intermediary that unfolds
 * while another hop does not is a request-smuggling risk, so maitre rejects.
 *
 * <p>Only the bytes of request heads are scanned, each once; bodies are left to the decoder.
 */
final class StrictRequestDecoder extends HttpRequestDecoder {

    private static final int BEFORE_REQUEST_LINE = 0;
    private static final int IN_LINE = 1;
    private static final int LINE_START = 2;
    private static final int AFTER_CR = 3;
    private static final int HEAD_DONE = 4;

    private int state = BEFORE_REQUEST_LINE;
    /** Bytes after the reader index that were already scanned. */
    private int scanned;
    private boolean rejected;

    StrictRequestDecoder(HttpDecoderConfig config) {
        super(config);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
        if (rejected) {
            buffer.skipBytes(buffer.readableBytes());
            return;
        }
        if (state != HEAD_DONE && !scanHead(buffer)) {
            rejected = true;
            buffer.skipBytes(buffer.readableBytes());
            DefaultFullHttpRequest invalid = new DefaultFullHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, "/bad-request");
            invalid.setDecoderResult(DecoderResult.failure(
                    new IllegalArgumentException("header line starting with whitespace (obs-fold)")));
            out.add(invalid);
            return;
        }
        int readerBefore = buffer.readerIndex();
        int outBefore = out.size();
        super.decode(ctx, buffer, out);
        scanned = Math.max(0, scanned - (buffer.readerIndex() - readerBefore));
        for (int i = outBefore; i < out.size(); i++) {
            if (out.get(i) instanceof LastHttpContent) {
                state = BEFORE_REQUEST_LINE;
                scanned = 0;
            }
        }
    }

    /** Scans the new bytes of the current head; false when a line starts with whitespace. */
    private boolean scanHead(ByteBuf buffer) {
        int end = buffer.writerIndex();
        int i = buffer.readerIndex() + scanned;
        for (; i < end && state != HEAD_DONE; i++) {
            byte b = buffer.getByte(i);
            switch (state) {
                case BEFORE_REQUEST_LINE:
                    if (b != '\r' && b != '\n') {
                        state = IN_LINE;
                    }
                    break;
                case IN_LINE:
                    if (b == '\n') {
                        state = LINE_START;
                    }
                    break;
                case LINE_START:
                    if (b == ' ' || b == '\t') {
                        return false;
                    }
                    state = b == '\r' ? AFTER_CR : b == '\n' ? HEAD_DONE : IN_LINE;
                    break;
                case AFTER_CR:
                    state = b == '\n' ? HEAD_DONE : IN_LINE;
                    break;
                default:
                    throw new IllegalStateException("state " + state);
            }
        }
        scanned = i - buffer.readerIndex();
        return true;
    }
}
