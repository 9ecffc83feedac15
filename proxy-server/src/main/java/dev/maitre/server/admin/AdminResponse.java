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
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One answer of the admin API, built before any buffer is allocated so that a resource never touches
 * reference counting. Every answer tells browsers not to guess its type and caches not to keep it.
 *
 * @param headers further headers, such as {@code Allow} for a 405
 */
record AdminResponse(HttpResponseStatus status, String contentType, byte[] body, Map<String, String> headers)
        implements AdminAnswer {

    private static final String JSON = "application/json";
    private static final String TEXT = "text/plain; charset=utf-8";

    // pretty-printed: the admin API is read with curl as often as by programs
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    AdminResponse {
        headers = Map.copyOf(headers);
    }

    /** {@code value} written as JSON. */
    static AdminResponse json(HttpResponseStatus status, Object value) {
        try {
            byte[] body = MAPPER.writeValueAsBytes(value);
            byte[] withNewline = new byte[body.length + 1];
            System.arraycopy(body, 0, withNewline, 0, body.length);
            withNewline[body.length] = '\n';
            return new AdminResponse(status, JSON, withNewline, Map.of());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /**
     * A page, which no other site may frame (clickjacking), under {@code contentSecurityPolicy}.
     */
    static AdminResponse html(byte[] page, String contentSecurityPolicy) {
        return new AdminResponse(HttpResponseStatus.OK, "text/html; charset=utf-8", page, Map.of(
                "Content-Security-Policy", contentSecurityPolicy,
                "X-Frame-Options", "DENY"));
    }

    /** The Prometheus text exposition format, version 0.0.4. */
    static AdminResponse prometheus(String text) {
        return new AdminResponse(HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
                text.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static AdminResponse text(HttpResponseStatus status, String text) {
        return new AdminResponse(status, TEXT, text.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** {@code {"error": message}}. */
    static AdminResponse error(HttpResponseStatus status, String message) {
        return json(status, Map.of("error", message));
    }

    /** 405, naming the methods {@code path} accepts. */
    static AdminResponse methodNotAllowed(String path, String allowed) {
        return error(HttpResponseStatus.METHOD_NOT_ALLOWED, path + " accepts " + allowed + " only")
                .withHeader("Allow", allowed);
    }

    /** This answer with header {@code name} set to {@code value}. */
    AdminResponse withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new AdminResponse(status, contentType, body, more);
    }

    /** The value of header {@code name} as set by {@link #withHeader}; {@code null} when not set. */
    String header(String name) {
        return headers.get(name);
    }

    @Override
    public CompletionStage<AdminResponse> completion() {
        return CompletableFuture.completedFuture(this);
    }

    /** The HTTP message; its buffer belongs to whoever writes it. */
    FullHttpResponse toHttp(HttpVersion version, boolean head) {
        FullHttpResponse response = new DefaultFullHttpResponse(version, status,
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set("x-content-type-options", "nosniff");
        headers.forEach((name, value) -> response.headers().set(name.toLowerCase(Locale.ROOT), value));
        return response;
    }
}
