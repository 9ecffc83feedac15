package dev.maitre.engine.http;

import dev.maitre.engine.http1.HeadFields;
import dev.maitre.engine.http1.RequestHead;
import dev.maitre.engine.http1.RequestHeadParser;
import dev.maitre.engine.http1.RequestVerdict;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Request heads made from header lists, and what the rewriting steps leave of them, for unit tests. */
final class Heads {

    /** Which fields a step takes out. */
    interface FieldTest {
        boolean test(HeadFields head, int i);
    }

    private Heads() {
    }

    /** The fields of a GET head with {@code headers}, parsed as a client's would be. */
    static RequestHead parsed(HttpHeaders headers) {
        StringBuilder text = new StringBuilder("GET / HTTP/1.1\r\n");
        for (Map.Entry<String, String> field : headers) {
            text.append(field.getKey()).append(": ").append(field.getValue()).append("\r\n");
        }
        ByteBuf bytes = Unpooled.copiedBuffer(text.append("\r\n"), StandardCharsets.ISO_8859_1);
        RequestHead head = new RequestHead();
        RequestVerdict verdict = new RequestHeadParser(8192, 65536).parse(bytes, head);
        if (verdict != RequestVerdict.COMPLETE) {
            bytes.release();
            throw new AssertionError("not a valid head: " + verdict + " " + text);
        }
        return head;
    }

    /** {@code headers} without the fields {@code out} takes out. */
    static HttpHeaders without(HttpHeaders headers, FieldTest out) {
        RequestHead head = parsed(headers);
        try {
            HttpHeaders kept = new DefaultHttpHeaders();
            for (int i = 0; i < head.fieldCount(); i++) {
                if (!out.test(head, i)) {
                    kept.add(head.name(i), head.value(i));
                }
            }
            return kept;
        } finally {
            head.bytes().release();
        }
    }

    /** {@code headers} as forwarded from {@code hop} by {@code forwarding}: the fields it does not replace, then those it writes. */
    static HttpHeaders forwarded(ForwardingHeaders forwarding, HttpHeaders headers, ClientHop hop, String host) {
        HttpHeaders result = without(headers, (head, i) -> ForwardingHeaders.replaces(head, i, hop));
        RequestHead head = parsed(headers);
        ByteBuf written = Unpooled.buffer();
        try {
            forwarding.write(written, head, true, hop, host);
            for (String line : written.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
                if (!line.isEmpty()) {
                    int colon = line.indexOf(':');
                    result.add(line.substring(0, colon), line.substring(colon + 1).trim());
                }
            }
            return result;
        } finally {
            written.release();
            head.bytes().release();
        }
    }
}
