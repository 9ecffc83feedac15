package dev.maitre.engine.http;

import dev.maitre.api.balance.Endpoint;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request's line in the access log ({@code maitre.access}): made only when the access log is on,
 * written once, when the exchange ends.
 */
final class AccessLogLine {

    private static final Logger ACCESS = LoggerFactory.getLogger("maitre.access");

    private final String requestLine;
    private final long startNanos = System.nanoTime();

    private AccessLogLine(ClientRequest request) {
        this.requestLine = request.head().method() + " " + request.target()
                + (request.http2() ? " HTTP/2.0" : " HTTP/1." + request.head().minorVersion());
    }

    /** The line of {@code request}, or {@code null} when the access log is off. */
    static AccessLogLine of(boolean accessLog, ClientRequest request) {
        return accessLog ? new AccessLogLine(request) : null;
    }

    /**
     * The line of an exchange that ended: a tunnel's when it became one ({@code tunnel} not null),
     * otherwise the answer's {@code status} and body bytes.
     */
    void write(String client, String cluster, Endpoint endpoint, TunnelReport tunnel, int status, long bodyBytes) {
        if (tunnel != null) {
            writeTunnel(client, cluster, endpoint, tunnel);
        } else {
            write(client, status, bodyBytes, cluster, endpoint);
        }
    }

    /**
     * The line of a request that became a tunnel, written when the tunnel ended: status 101, the bytes
     * the backend sent, then how long the tunnel was open, the bytes each way and how it ended.
     */
    private void writeTunnel(String client, String cluster, Endpoint endpoint, TunnelReport tunnel) {
        if (ACCESS.isInfoEnabled()) {
            ACCESS.info("{} \"{}\" 101 {} {}ms {} {} tunnel={}ms up={} down={} end={}", client, requestLine,
                    tunnel.bytesFromBackend(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), cluster,
                    endpoint.address(), TimeUnit.NANOSECONDS.toMillis(tunnel.openNanos()), tunnel.bytesFromClient(),
                    tunnel.bytesFromBackend(), tunnel.end().label());
        }
    }

    private void write(String client, int status, long bodyBytes, String cluster, Endpoint endpoint) {
        if (ACCESS.isInfoEnabled()) {
            ACCESS.info("{} \"{}\" {} {} {}ms {} {}", client, requestLine, status, bodyBytes,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), cluster,
                    endpoint == null ? "-" : endpoint.address());
        }
    }
}
