package dev.maitre.engine.access;

/**
 * What the access log keeps of one request once it ended: small and immutable, made on the event loop
 * and formatted elsewhere. Text fields hold what the client sent, unescaped; a format escapes them.
 *
 * @param timeMillis when the exchange ended (epoch milliseconds), as nginx's {@code $time_local}
 * @param client the client's address
 * @param protocol {@code HTTP/1.1}, {@code HTTP/1.0} or {@code HTTP/2.0}
 * @param status the answer's status (maitre's own answer's when it gave one)
 * @param bodyBytes the bytes of the answer's body (for a tunnel: those the backend sent through it)
 * @param durationNanos from the request's head to the exchange's end
 * @param cluster the cluster the request was routed to; {@code null} when maitre refused it unrouted
 * @param upstream the address of the backend of the last try; {@code null} when none was picked
 * @param upstreamNanos from the start of the last try (its connection) to the exchange's end; -1 without one
 * @param retries the tries after the first
 * @param tlsProtocol the client connection's TLS protocol ({@code TLSv1.3}); {@code null} for clear text
 * @param userAgent the {@code User-Agent} field; {@code null} when absent
 * @param referer the {@code Referer} field; {@code null} when absent
 * @param tunnel what the tunnel the request became reports; {@code null} unless the status is 101
 */
public record AccessRecord(long timeMillis, String client, String method, String target, String protocol, int status,
                           long bodyBytes, long durationNanos, String cluster, String upstream, long upstreamNanos,
                           int retries, String tlsProtocol, String userAgent, String referer, Tunnel tunnel) {

    /**
     * A tunnel's own fields.
     *
     * @param openNanos from the {@code 101} to the tunnel's end
     * @param bytesUp what the client sent through it
     * @param bytesDown what the backend sent through it
     * @param end how it ended: {@code closed}, {@code idle}, {@code client_reset}, {@code backend_reset}, {@code shutdown}
     */
    public record Tunnel(long openNanos, long bytesUp, long bytesDown, String end) {
    }
}
