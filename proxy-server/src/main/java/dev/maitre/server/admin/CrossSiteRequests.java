package dev.maitre.server.admin;

import dev.maitre.api.HostPort;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps pages of other sites from changing anything through a browser that can reach the admin API
 * (cross-site request forgery). A page may make a browser send a "simple" POST anywhere, with no
 * preflight: a {@code text/plain} form or a {@code no-cors} fetch. So a request that is not GET or
 * HEAD is refused when the browser says it comes from elsewhere ({@code Origin} not this API's own,
 * {@code Origin: null}, {@code Sec-Fetch-Site} {@code cross-site} or {@code same-site}), and a
 * browser's request must also carry {@value #HEADER}, a header no page can add to a cross-origin
 * request without a CORS preflight, which maitre never grants.
 *
 * <p>Requests without any browser marker (no {@code Origin}, no {@code Sec-Fetch-*}), as curl and
 * scripts send them, need no such header: a browser always sends one of the markers on a POST from
 * a page, and what guards the admin API from other programs is the network and {@code admin.token}.
 */
final class CrossSiteRequests {

    /** The header the dashboard's script sends with every request. */
    static final String HEADER = "X-Maitre-Admin";

    private static final String FETCH_METADATA_PREFIX = "sec-fetch-";

    private CrossSiteRequests() {
    }

    /**
     * Why {@code method} with {@code headers} is refused, or empty when it may go on.
     *
     * @param host the request's {@code Host}, already known to be one the admin API answers to
     */
    static Optional<String> refusal(HttpMethod method, HttpHeaders headers, String host) {
        if (HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method)) {
            return Optional.empty();
        }
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        if (origin != null && !sameOrigin(origin, host)) {
            return Optional.of("cross-site request refused: Origin " + origin + " is not this admin API's");
        }
        String site = headers.get("Sec-Fetch-Site");
        if (site != null && (site.equalsIgnoreCase("cross-site") || site.equalsIgnoreCase("same-site"))) {
            return Optional.of("cross-site request refused: Sec-Fetch-Site " + site);
        }
        if ((origin != null || hasFetchMetadata(headers)) && !headers.contains(HEADER)) {
            return Optional.of("a request from a browser must carry " + HEADER + ": 1, as the dashboard's does");
        }
        return Optional.empty();
    }

    /** Whether {@code origin} is {@code http://} and the same host and port as {@code host}. */
    private static boolean sameOrigin(String origin, String host) {
        String scheme = "http://";
        if (!origin.regionMatches(true, 0, scheme, 0, scheme.length())) {
            return false;
        }
        Optional<HostPort> from = AdminHosts.parse(origin.substring(scheme.length()));
        return from.isPresent() && from.equals(AdminHosts.parse(host));
    }

    private static boolean hasFetchMetadata(HttpHeaders headers) {
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().toLowerCase(Locale.ROOT).startsWith(FETCH_METADATA_PREFIX)) {
                return true;
            }
        }
        return false;
    }
}
