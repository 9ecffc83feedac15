package dev.maitre.health.check;

import dev.maitre.api.HostPort;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.util.Objects;

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

    /** The handler of a check's connection to {@code target}; the probe's own timeout bounds the handshake. */
    SslHandler newHandler(ByteBufAllocator alloc, HostPort target) {
        SslHandler handler = context.newHandler(alloc, serverName != null ? serverName : target.host(), target.port());
        handler.setHandshakeTimeoutMillis(0);
        return handler;
    }
}
