package dev.maitre.server.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One answer of the admin API, built before any buffer is allocated so that a resource never touches
 * reference counting.
 *
 * @param allow for 405, the methods the resource accepts; {@code null} otherwise
 */
record AdminResponse(HttpResponseStatus status, String contentType, byte[] body, String allow) {

    private static final String JSON = "application/json";
    private static final String TEXT = "text/plain; charset=utf-8";

    // pretty-printed: the admin API is read with curl as often as by programs
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** {@code value} written as JSON. */
    static AdminResponse json(HttpResponseStatus status, Object value) {
        try {
            byte[] body = MAPPER.writeValueAsBytes(value);
            byte[] withNewline = new byte[body.length + 1];
            System.arraycopy(body, 0, withNewline, 0, body.length);
            withNewline[body.length] = '\n';
            return new AdminResponse(status, JSON, withNewline, null);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    static AdminResponse html(byte[] page) {
        return new AdminResponse(HttpResponseStatus.OK, "text/html; charset=utf-8", page, null);
    }

    /** The Prometheus text exposition format, version 0.0.4. */
    static AdminResponse prometheus(String text) {
        return new AdminResponse(HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
                text.getBytes(StandardCharsets.UTF_8), null);
    }

    static AdminResponse text(HttpResponseStatus status, String text) {
        return new AdminResponse(status, TEXT, text.getBytes(StandardCharsets.UTF_8), null);
    }

    /** {@code {"error": message}}. */
    static AdminResponse error(HttpResponseStatus status, String message) {
        return json(status, Map.of("error", message));
    }

    /** 405, naming the methods {@code path} accepts. */
    static AdminResponse methodNotAllowed(String path, String allowed) {
        AdminResponse error = error(HttpResponseStatus.METHOD_NOT_ALLOWED, path + " accepts " + allowed + " only");
        return new AdminResponse(error.status, error.contentType, error.body, allowed);
    }

    /** The HTTP message; its buffer belongs to whoever writes it. */
    FullHttpResponse toHttp(HttpVersion version, boolean head) {
        FullHttpResponse response = new DefaultFullHttpResponse(version, status,
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        if (allow != null) {
            response.headers().set(HttpHeaderNames.ALLOW, allow);
        }
        return response;
    }
}
