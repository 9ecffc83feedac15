package dev.maitre.health.check;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.HealthCheckConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * A gRPC check: the standard health service's {@code grpc.health.v1.Health/Check} for
 * {@code grpcService} (the whole server when empty), over HTTP/2 on a connection of its own. The backend
 * passes when, within the timeout, it answers with {@code :status} 200, {@code grpc-status} 0 and a
 * response whose status is {@code SERVING}; the reason of a failure names what was seen instead:
 * {@code grpc: NOT_SERVING}, {@code grpc-status 12 (UNIMPLEMENTED)}, {@code status 404}.
 */
final class GrpcChecker implements Checker {

    static final String PATH = "/grpc.health.v1.Health/Check";
    /** A response is a few bytes; more than this is not one. */
    static final int MAX_ANSWER_BYTES = 1024;
    /** The names of the status codes of gRPC, by number. */
    private static final String[] CODES = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
        "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
        "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};
    /** The largest {@code grpc-timeout} value: 8 digits. */
    private static final long MAX_TIMEOUT_MILLIS = 99_999_999L;

    private final Bootstrap bootstrap;
    private final EventLoop loop;
    private final HealthCheckConfig config;
    private final CheckTls tls;
    private final byte[] request;

    /** @param tls the cluster's TLS (its context offering h2 by ALPN), or {@code null} for h2c */
    GrpcChecker(Bootstrap bootstrap, EventLoop loop, HealthCheckConfig config, CheckTls tls) {
        this.bootstrap = bootstrap;
        this.loop = loop;
        this.config = config;
        this.tls = tls;
        this.request = GrpcHealthMessages.request(config.grpcService());
    }

    @Override
    public CompletableFuture<CheckResult> check(HostPort backend) {
        return new GrpcProbe(backend).start(bootstrap, loop);
    }

    private final class GrpcProbe extends Http2Probe {

        private boolean headReceived;
        private byte[] answer = new byte[0];
        private int answerLength;

        GrpcProbe(HostPort target) {
            super(target, config.timeout(), tls);
        }

        @Override
        void request(Http2Headers headers) {
            headers.method("POST").path(PATH).authority(authority(config.host()))
                    .set(HttpHeaderNames.CONTENT_TYPE, "application/grpc")
                    .set(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS)
                    .set(HttpHeaderNames.USER_AGENT, USER_AGENT)
                    // the server may stop working on a check nobody waits for any more
                    .set("grpc-timeout", Math.min(MAX_TIMEOUT_MILLIS, config.timeout().toMillis()) + "m");
        }

        @Override
        byte[] body() {
            return request;
        }

        @Override
        void onHeaders(Http2Headers headers, boolean endStream) {
            if (!headReceived) {
                int status = status(headers);
                if (status >= 100 && status < 200) {
                    return; // an interim answer; the final one follows
                }
                headReceived = true;
                if (status != 200) {
                    fail(status < 0 ? "invalid response" : "status " + status);
                    return;
                }
                if (!endStream) {
                    return;
                }
                // trailers-only: an answer without a message, its grpc-status in the head
            }
            if (endStream) {
                decide(headers);
            }
        }

        @Override
        void onData(ByteBuf data, boolean endStream) {
            int readable = data.readableBytes();
            if (readable > MAX_ANSWER_BYTES - answerLength) {
                fail("grpc: answer too large");
                return;
            }
            answer = Arrays.copyOf(answer, answerLength + readable);
            data.readBytes(answer, answerLength, readable);
            answerLength += readable;
            if (endStream) {
                fail("grpc: answer without grpc-status");
            }
        }

        private void decide(Http2Headers trailers) {
            CharSequence grpcStatus = trailers.get("grpc-status");
            if (grpcStatus == null) {
                fail("grpc: answer without grpc-status");
                return;
            }
            int code = number(grpcStatus, 2);
            if (code < 0) {
                fail("grpc: invalid grpc-status");
                return;
            }
            if (code != 0) {
                fail("grpc-status " + code + (code < CODES.length ? " (" + CODES[code] + ")" : ""));
                return;
            }
            int serving;
            try {
                serving = GrpcHealthMessages.status(answer, answerLength);
            } catch (IllegalArgumentException e) {
                fail("grpc: invalid response (" + e.getMessage() + ")");
                return;
            }
            String reason = "grpc: " + GrpcHealthMessages.statusName(serving);
            if (serving == GrpcHealthMessages.SERVING) {
                pass(reason);
            } else {
                fail(reason);
            }
        }
    }
}
