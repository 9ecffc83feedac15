package dev.maitre.engine.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.List;

/**
 * Tells the backend who the client is: {@code X-Forwarded-For} gets the client's address appended,
 * {@code X-Forwarded-Proto} and {@code X-Forwarded-Host} are set to what the client used.
 */
final class ForwardingHeaders {

    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");

    private ForwardingHeaders() {
    }

    /**
     * @param clientAddress the client's IP address as text
     * @param scheme {@code http} or {@code https}
     * @param host the Host the client asked for, or {@code null} when it sent none
     */
    static void apply(HttpHeaders headers, String clientAddress, String scheme, String host) {
        List<String> previous = headers.getAll(X_FORWARDED_FOR);
        if (previous.isEmpty()) {
            headers.set(X_FORWARDED_FOR, clientAddress);
        } else {
            StringBuilder chain = new StringBuilder();
            for (String hop : previous) {
                if (!hop.isBlank()) {
                    chain.append(hop.trim()).append(", ");
                }
            }
            headers.set(X_FORWARDED_FOR, chain.append(clientAddress).toString());
        }
        headers.set(X_FORWARDED_PROTO, scheme);
        if (host != null) {
            headers.set(X_FORWARDED_HOST, host);
        } else {
            headers.remove(X_FORWARDED_HOST);
        }
    }
}
