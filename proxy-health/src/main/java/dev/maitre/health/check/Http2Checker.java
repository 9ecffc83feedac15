package dev.maitre.health.check;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.HealthCheckConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.concurrent.CompletableFuture;

/**
 * An HTTP check of a cluster spoken to in HTTP/2, whose backends may speak nothing else: {@code GET path}
 * on a stream of a connection of its own; the backend passes when the head of its answer arrives within
 * the timeout with a status in {@code expectStatus}. The body is not read.
 */
final class Http2Checker implements Checker {

    private final Bootstrap bootstrap;
    private final EventLoop loop;
    private final HealthCheckConfig config;
    private final CheckTls tls;

    /** @param tls the cluster's TLS (its context offering h2 by ALPN), or {@code null} for h2c */
    Http2Checker(Bootstrap bootstrap, EventLoop loop, HealthCheckConfig config, CheckTls tls) {
        this.bootstrap = bootstrap;
        this.loop = loop;
        this.config = config;
        this.tls = tls;
    }

    @Override
    public CompletableFuture<CheckResult> check(HostPort backend) {
        return new Http2Probe(backend, config.timeout(), tls) {
            @Override
            void request(Http2Headers headers) {
                headers.method("GET").path(config.path()).authority(authority(config.host()))
                        .set(HttpHeaderNames.USER_AGENT, USER_AGENT);
            }

            @Override
            byte[] body() {
                return null;
            }

            @Override
            void onHeaders(Http2Headers headers, boolean endStream) {
                int status = status(headers);
                if (status < 0) {
                    fail("invalid response");
                } else if (status >= 200) {
                    if (config.expectStatus().contains(status)) {
                        pass("status " + status);
                    } else {
                        fail("status " + status);
                    }
                }
                // an interim answer otherwise; the final one follows
            }

            @Override
            void onData(ByteBuf data, boolean endStream) {
                // comes only after the head, on which the check has decided
            }
        }.start(bootstrap, loop);
    }
}
