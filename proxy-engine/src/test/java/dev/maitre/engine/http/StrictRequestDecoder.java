package dev.maitre.engine.http;

import dev.maitre.api.config.ListenerLimits;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;

/**
 * The request decoding maitre used before {@link RequestDecoder}: Netty's request decoder, made to
 * reject what RFC 9112 lets a recipient either repair or reject. Kept in the tests as the reference
 * the byte-level reading is compared with (see {@code RequestHeadDifferentialTest}). On top of
 * Netty's own rules:
 * <ul>
 * <li>the request line is exactly {@code method SP target SP version}: no leading or doubled space,
 *     no control character, no bare CR (§3; Netty would split on any run of SP, HTAB, VT, FF or CR);
 * <li>the {@code HTTP} of the version is case-sensitive (§2.3; Netty would upper-case it);
 * <li>a header line that begins with whitespace, an obsolete line folding or whitespace between the
 *     request line and the first header, is rejected (§5.2, §2.2; Netty would unfold it);
 * <li>a second {@code Content-Length} line is rejected in HTTP/1.0 too (§6.3; Netty would keep the first).
 * </ul>
 * A request of a higher HTTP/1 minor version is decoded as HTTP/1.1 (RFC 9110 §2.5).
 *
 * <p>Only the bytes of request heads are scanned, each once; bodies are left to the decoder. After
 * the first rejection nothing more is decoded: the connection is closing.
 */
final class StrictRequestDecoder extends HttpRequestDecoder {

    private static final int BEFORE_REQUEST_LINE = 0;
    private static final int IN_REQUEST_LINE = 1;
    private static final int AFTER_SPACE = 2;
    private static final int REQUEST_LINE_CR = 3;
    private static final int IN_LINE = 4;
    private static final int LINE_START = 5;
    private static final int AFTER_CR = 6;
    private static final int HEAD_DONE = 7;

    private int state = BEFORE_REQUEST_LINE;
    /** Bytes after the reader index that were already scanned. */
    private int scanned;
    private boolean rejected;

    /** Decodes with {@code config}, except that header names and values are always validated. */
    StrictRequestDecoder(HttpDecoderConfig config) {
        super(config.clone().setHeadersFactory(SingleContentLengthHeaders.FACTORY));
    }

    /** How requests were decoded: within the listener's limits, with every strictness Netty offers turned on. */
    static HttpDecoderConfig decoderConfig(ListenerLimits limits) {
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(limits.maxRequestLineBytes())
                .setMaxHeaderSize(limits.maxHeaderBytes())
                .setMaxChunkSize(64 * 1024)
                .setStrictLineParsing(true)
                .setValidateHeaders(true)
                .setAllowDuplicateContentLengths(false)
                .setUseRfc9112TransferEncoding(true);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
        if (rejected) {
            buffer.skipBytes(buffer.readableBytes());
            return;
        }
        String violation = state == HEAD_DONE ? null : scanHead(buffer);
        if (violation != null) {
            rejected = true;
            buffer.skipBytes(buffer.readableBytes());
            DefaultFullHttpRequest invalid = new DefaultFullHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, "/bad-request");
            invalid.setDecoderResult(DecoderResult.failure(new IllegalArgumentException(violation)));
            out.add(invalid);
            return;
        }
        int readerBefore = buffer.readerIndex();
        int outBefore = out.size();
        super.decode(ctx, buffer, out);
        scanned = Math.max(0, scanned - (buffer.readerIndex() - readerBefore));
        for (int i = outBefore; i < out.size(); i++) {
            HttpObject decoded = (HttpObject) out.get(i);
            if (decoded.decoderResult().isFailure()) {
                rejected = true;
            } else if (decoded instanceof LastHttpContent) {
                state = BEFORE_REQUEST_LINE;
                scanned = 0;
            }
        }
    }

    @Override
    protected HttpMessage createMessage(String[] initialLine) throws Exception {
        HttpMessage message = super.createMessage(initialLine);
        HttpVersion version = message.protocolVersion();
        if (version.majorVersion() == 1 && version.minorVersion() > 1) {
            message.setProtocolVersion(HttpVersion.HTTP_1_1);
        }
        return message;
    }

    @Override
    protected String splitThirdWordInitialLine(byte[] asciiContent, int start, int length) {
        String version = super.splitThirdWordInitialLine(asciiContent, start, length);
        if (!version.startsWith("HTTP/")) {
            throw new IllegalArgumentException("HTTP version not in upper case: " + version);
        }
        return version;
    }

    /** Scans the new bytes of the current head; returns why it must be rejected, or null. */
    private String scanHead(ByteBuf buffer) {
        int end = buffer.writerIndex();
        int i = buffer.readerIndex() + scanned;
        for (; i < end && state != HEAD_DONE; i++) {
            int b = buffer.getUnsignedByte(i);
            switch (state) {
                case BEFORE_REQUEST_LINE:
                    if (b == '\r' || b == '\n') {
                        break;
                    }
                    if (b == ' ' || isControl(b)) {
                        return "whitespace or control character before the request line";
                    }
                    state = IN_REQUEST_LINE;
                    break;
                case IN_REQUEST_LINE:
                case AFTER_SPACE:
                    if (b == ' ') {
                        if (state == AFTER_SPACE) {
                            return "request line with more than one space between its parts";
                        }
                        state = AFTER_SPACE;
                    } else if (b == '\r') {
                        state = REQUEST_LINE_CR;
                    } else if (b == '\n') {
                        state = LINE_START;
                    } else if (isControl(b)) {
                        return "control character in the request line";
                    } else {
                        state = IN_REQUEST_LINE;
                    }
                    break;
                case REQUEST_LINE_CR:
                    if (b != '\n') {
                        return "bare CR in the request line";
                    }
                    state = LINE_START;
                    break;
                case IN_LINE:
                    if (b == '\n') {
                        state = LINE_START;
                    }
                    break;
                case LINE_START:
                    if (b == ' ' || b == '\t') {
                        return "header line starting with whitespace (obs-fold)";
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
        return null;
    }

    private static boolean isControl(int b) {
        return b < 0x20 || b == 0x7f;
    }

    /** Thrown for a second Content-Length line, so that the rejection can name the framing as the reason. */
    static final class RepeatedContentLengthException extends IllegalArgumentException {
        RepeatedContentLengthException() {
            super("Content-Length repeated");
        }
    }

    /** Validating header sets that refuse a second Content-Length line as the decoder adds it. */
    private static final class SingleContentLengthHeaders extends DefaultHttpHeaders {

        static final HttpHeadersFactory FACTORY = new HttpHeadersFactory() {
            @Override
            public HttpHeaders newHeaders() {
                return new SingleContentLengthHeaders();
            }

            @Override
            public HttpHeaders newEmptyHeaders() {
                return new SingleContentLengthHeaders();
            }
        };

        @Override
        public HttpHeaders add(CharSequence name, Object value) {
            if (HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name) && contains(HttpHeaderNames.CONTENT_LENGTH)) {
                throw new RepeatedContentLengthException();
            }
            return super.add(name, value);
        }
    }
}
