package dev.maitre.engine.http;

import dev.maitre.engine.access.AccessLog;
import dev.maitre.engine.access.AccessRecord;
import dev.maitre.engine.http1.RequestHead;
import dev.maitre.engine.upstream.UpstreamSelection;
import io.netty.util.AsciiString;
import javax.net.ssl.SSLSession;

/**
 * One request's record for the access log: made only when the access log is on, with what the
 * request says (it may be released before the exchange ends, as a tunnel's is), and handed to the
 * {@link AccessLog} once, when the exchange ends.
 */
final class AccessLogLine {

    private static final AsciiString USER_AGENT = AsciiString.cached("user-agent");
    private static final AsciiString REFERER = AsciiString.cached("referer");

    private final AccessLog log;
    private final long startNanos = System.nanoTime();
    private final String method;
    private final String target;
    private final String protocol;
    private String userAgent;
    private String referer;

    private AccessLogLine(AccessLog log, ClientRequest request) {
        this.log = log;
        RequestHead head = request.head();
        // A head the parser refused keeps none of its bytes: nothing of it can be told.
        boolean whole = request.valid();
        this.method = whole ? head.method() : "-";
        this.target = whole ? request.target() : "-";
        this.protocol = !whole ? "-" : request.http2() ? "HTTP/2.0" : "HTTP/1." + head.minorVersion();
        for (int i = 0; whole && i < head.fieldCount(); i++) {
            if (userAgent == null && head.nameIs(i, USER_AGENT)) {
                userAgent = head.value(i);
            } else if (referer == null && head.nameIs(i, REFERER)) {
                referer = head.value(i);
            }
        }
    }

    /** The line of {@code request}, or {@code null} when the access log is off ({@code log} is null). */
    static AccessLogLine of(AccessLog log, ClientRequest request) {
        return log != null ? new AccessLogLine(log, request) : null;
    }

    /**
     * Hands the record of {@code request}, which maitre answers with its own {@code rejection} without
     * routing it (refused as it is, or no route), to {@code log} if the access log is on.
     */
    static void refused(AccessLog log, ClientSide client, ClientRequest request, Rejection rejection) {
        if (log != null) {
            new AccessLogLine(log, request).write(client, null, null, null, rejection.status().code(),
                    request.headRequest() ? 0 : rejection.bodyLength());
        }
    }

    /**
     * The record of an exchange that ended: a tunnel's when it became one ({@code tunnel} not null:
     * status 101 and the bytes the backend sent through it), otherwise maitre's own answer's status
     * ({@code ownStatus}, 0 when it gave none) or the backend's answer's, and that answer's body bytes.
     */
    void write(ClientSide client, String cluster, UpstreamSelection upstream, TunnelReport tunnel, int ownStatus,
               ResponseRelay response) {
        write(client, cluster, upstream, tunnel, ownStatus != 0 ? ownStatus : response.status(), response.bodyBytes());
    }

    /** {@code cluster} and {@code upstream} are null for a request that was not routed. */
    private void write(ClientSide client, String cluster, UpstreamSelection upstream, TunnelReport tunnel, int status,
                       long bodyBytes) {
        long now = System.nanoTime();
        SSLSession tls = client.tlsSession();
        AccessRecord.Tunnel tunnelRecord = tunnel == null ? null : new AccessRecord.Tunnel(tunnel.openNanos(),
                tunnel.bytesFromClient(), tunnel.bytesFromBackend(), tunnel.end().label());
        log.log(new AccessRecord(System.currentTimeMillis(), client.remoteAddress(), method, target, protocol,
                tunnel != null ? 101 : status, tunnel != null ? tunnel.bytesFromBackend() : bodyBytes, now - startNanos,
                cluster, upstream == null || upstream.endpoint() == null ? null : upstream.endpoint().address().toString(),
                upstream == null ? -1 : upstream.tryNanos(now), upstream == null ? 0 : upstream.retries(), tls == null ? null : tls.getProtocol(), userAgent, referer,
                tunnelRecord));
    }
}
