package dev.maitre.engine.http;

import dev.maitre.engine.http1.ResponseHead;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.Map;

/**
 * A backend's HTTP/1.1 answer written as HTTP/2 header lists: {@code :status}, then the backend's
 * fields in lower case minus the hop-by-hop ones (RFC 9113 §8.2.2 forbids the connection-specific
 * fields), {@code content-length} kept where it describes the body; trailers the same way.
 * maitre's own answers ({@link Rejection}) as header lists too.
 */
final class Http2Answers {

    private static final AsciiString TEXT_PLAIN = AsciiString.cached("text/plain; charset=utf-8");
    /** {@code :status} values, made once: every answer has one. */
    private static final AsciiString[] STATUS = new AsciiString[1000];

    static {
        for (int code = 100; code < STATUS.length; code++) {
            STATUS[code] = AsciiString.cached(Integer.toString(code));
        }
    }

    private Http2Answers() {
    }

    /** The header list of a final or interim answer {@code head}. */
    static Http2Headers head(ResponseHead head) {
        int code = head.status();
        Http2Headers headers = new DefaultHttp2Headers(false, head.fieldCount() + 1);
        headers.status(STATUS[code]);
        boolean connectionNames = HopByHopHeaders.namesOthers(head);
        for (int i = 0; i < head.fieldCount(); i++) {
            if (HopByHopHeaders.isHopByHop(head, i, connectionNames)
                    || (head.nameIs(i, HttpHeaderNames.CONTENT_LENGTH) && (code == 204 || head.chunked()))) {
                continue;
            }
            headers.add(head.lowerCaseName(i), head.valueAscii(i));
        }
        return headers;
    }

    /** The header list of trailers the backend sent at the end of a chunked body. */
    static Http2Headers trailers(HttpHeaders trailers) {
        Http2Headers headers = new DefaultHttp2Headers(false, trailers.size());
        Iterator<Map.Entry<CharSequence, CharSequence>> fields = trailers.iteratorCharSequence();
        while (fields.hasNext()) {
            Map.Entry<CharSequence, CharSequence> field = fields.next();
            CharSequence name = field.getKey();
            if (!isConnectionSpecific(name)) {
                headers.add(AsciiString.of(name).toLowerCase(), field.getValue());
            }
        }
        return headers;
    }

    /** The header list of maitre's own answer {@code rejection}; its text follows as the body. */
    static Http2Headers rejection(Rejection rejection) {
        Http2Headers headers = new DefaultHttp2Headers(false, 2);
        headers.status(rejection.status().codeAsText());
        headers.add(HttpHeaderNames.CONTENT_TYPE, TEXT_PLAIN);
        headers.addInt(HttpHeaderNames.CONTENT_LENGTH, rejection.body().length());
        return headers;
    }

    private static boolean isConnectionSpecific(CharSequence name) {
        return AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.CONNECTION)
                || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.KEEP_ALIVE)
                || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.TRANSFER_ENCODING)
                || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.UPGRADE)
                || AsciiString.contentEqualsIgnoreCase(name, "proxy-connection")
                || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.TE);
    }
}
