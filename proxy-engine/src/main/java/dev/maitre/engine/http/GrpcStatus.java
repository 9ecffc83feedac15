package dev.maitre.engine.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.util.concurrent.TimeUnit;

/**
 * What a gRPC client is told when maitre answers a call itself, or ends one: a gRPC status in
 * trailers (gRPC over HTTP/2: "Trailers-Only" when nothing else was sent), never an HTML or text page,
 * which a gRPC client could only report as a protocol error. maitre's own answers map as the gRPC
 * documentation's HTTP-to-gRPC table and Envoy do: no route is {@code UNIMPLEMENTED}, no backend or a
 * failed one {@code UNAVAILABLE}, a timeout {@code DEADLINE_EXCEEDED}, a request too large
 * {@code RESOURCE_EXHAUSTED}, a malformed one {@code INTERNAL}. Also reads {@code grpc-timeout}.
 */
final class GrpcStatus {

    static final int DEADLINE_EXCEEDED = 4;
    static final int RESOURCE_EXHAUSTED = 8;
    static final int UNIMPLEMENTED = 12;
    static final int INTERNAL = 13;
    static final int UNAVAILABLE = 14;

    private static final AsciiString GRPC = AsciiString.cached("application/grpc");
    private static final AsciiString GRPC_STATUS = AsciiString.cached("grpc-status");
    private static final AsciiString GRPC_MESSAGE = AsciiString.cached("grpc-message");
    private static final AsciiString GRPC_TIMEOUT = AsciiString.cached("grpc-timeout");
    private static final AsciiString OK = AsciiString.cached("200");

    private GrpcStatus() {
    }

    /** Whether {@code headers} open a gRPC call: a {@code content-type} of {@code application/grpc} or a subtype of it. */
    static boolean isGrpc(Http2Headers headers) {
        CharSequence type = headers.get(HttpHeaderNames.CONTENT_TYPE);
        if (type == null || type.length() < GRPC.length()
                || !AsciiString.regionMatches(type, true, 0, GRPC, 0, GRPC.length())) {
            return false;
        }
        return type.length() == GRPC.length() || type.charAt(GRPC.length()) == '+'
                || type.charAt(GRPC.length()) == ';';
    }

    /** The gRPC status of maitre's own answer {@code rejection}. */
    static int of(Rejection rejection) {
        return switch (rejection) {
            case NO_ROUTE, UNSUPPORTED_METHOD -> UNIMPLEMENTED;
            case NO_BACKEND, BACKEND_FAILED -> UNAVAILABLE;
            case BACKEND_TIMEOUT, CLIENT_TIMEOUT, REQUEST_HEADER_TIMEOUT -> DEADLINE_EXCEEDED;
            case BODY_TOO_LARGE, HEADERS_TOO_LARGE, URI_TOO_LONG -> RESOURCE_EXHAUSTED;
            default -> INTERNAL;
        };
    }

    /** A whole answer in one header list that ends the stream: {@code :status 200} and the gRPC status. */
    static Http2Headers trailersOnly(int status, String message) {
        Http2Headers headers = new DefaultHttp2Headers(false, 4);
        headers.status(OK);
        headers.add(HttpHeaderNames.CONTENT_TYPE, GRPC);
        return status(headers, status, message);
    }

    /** Trailers that end a call whose answer began. */
    static Http2Headers trailers(int status, String message) {
        return status(new DefaultHttp2Headers(false, 2), status, message);
    }

    private static Http2Headers status(Http2Headers headers, int status, String message) {
        headers.addInt(GRPC_STATUS, status);
        // Printable ASCII without '%' needs no percent-encoding; maitre's messages are all such.
        headers.add(GRPC_MESSAGE, message);
        return headers;
    }

    /**
     * The call's deadline from now, from {@code grpc-timeout} (up to 8 digits and a unit: {@code H},
     * {@code M}, {@code S}, {@code m}, {@code u}, {@code n}); -1 when there is none or it is malformed.
     */
    static long timeoutNanos(Http2Headers headers) {
        CharSequence value = headers.get(GRPC_TIMEOUT);
        if (value == null || value.length() < 2 || value.length() > 9) {
            return -1;
        }
        long amount = 0;
        for (int i = 0; i < value.length() - 1; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            amount = amount * 10 + (c - '0');
        }
        TimeUnit unit = switch (value.charAt(value.length() - 1)) {
            case 'H' -> TimeUnit.HOURS;
            case 'M' -> TimeUnit.MINUTES;
            case 'S' -> TimeUnit.SECONDS;
            case 'm' -> TimeUnit.MILLISECONDS;
            case 'u' -> TimeUnit.MICROSECONDS;
            case 'n' -> TimeUnit.NANOSECONDS;
            default -> null;
        };
        return unit == null ? -1 : unit.toNanos(amount);
    }
}
