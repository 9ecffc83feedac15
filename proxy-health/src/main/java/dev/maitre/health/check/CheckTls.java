package dev.maitre.health.check;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.ClusterConfig;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.util.Objects;
import java.util.function.Function;

/**
 * TLS for the checks of a cluster spoken to over TLS: the cluster's own client context, the one its
 * requests use (made by the server, so trust, names and client certificate are checked alike), and
 * the name each backend is checked as.
 *
 * @param serverName the name sent as SNI and verified, or {@code null} for each backend's host
 */
public record CheckTls(SslContext context, String serverName) {

    public CheckTls {
        Objects.requireNonNull(context, "context");
        if (!context.isClient()) {
            throw new IllegalArgumentException("context: a server context (expected: a client one)");
        }
    }

    /**
     * The TLS of {@code cluster}'s checks: its client context, from {@code clientTls} (by cluster name);
     * {@code null} when the cluster is spoken to in clear text.
     *
     * @throws IllegalArgumentException when the cluster has {@code tls} and {@code clientTls} gives no context
     */
    public static CheckTls of(ClusterConfig cluster, Function<String, SslContext> clientTls) {
        if (!cluster.tlsEnabled()) {
            return null;
        }
        SslContext context = clientTls != null ? clientTls.apply(cluster.name()) : null;
        if (context == null) {
            throw new IllegalArgumentException("cluster " + cluster.name() + ": tls is on, but its health checks were "
                    + "given no client TLS context (expected: one from HealthMonitor.Builder.clientTls)");
        }
        return new CheckTls(context, cluster.tls().serverName());
    }

    /** The handler of a check's connection to {@code target}; the probe's own timeout bounds the handshake. */
    SslHandler newHandler(ByteBufAllocator alloc, HostPort target) {
        SslHandler handler = context.newHandler(alloc, serverName != null ? serverName : target.host(), target.port());
        handler.setHandshakeTimeoutMillis(0);
        return handler;
    }
}
