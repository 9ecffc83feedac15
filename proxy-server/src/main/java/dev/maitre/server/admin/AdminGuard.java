package dev.maitre.server.admin;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Decides whether an admin request is answered at all, before any resource sees it: a {@code Host}
 * the admin API does not answer to is misdirected (421), a state-changing request from another
 * site is forbidden (403), and when {@code admin.token} is set a request without it is
 * unauthorized (401), except the liveness and readiness probes and the dashboard page, which holds
 * no data (its script asks for the token).
 */
final class AdminGuard {

    private final AdminHosts hosts;
    private final Supplier<String> token;

    /** @param token the token in use, read for every request (a reload may change it); {@code null} for none */
    AdminGuard(AdminHosts hosts, Supplier<String> token) {
        this.hosts = hosts;
        this.token = token;
    }

    /** The refusal of the request, or empty when it may be answered. */
    Optional<AdminResponse> refusal(HttpMethod method, AdminPath path, HttpHeaders headers, InetSocketAddress local) {
        String host = headers.get(HttpHeaderNames.HOST);
        if (!hosts.answers(host, local)) {
            return Optional.of(AdminResponse.text(HttpResponseStatus.MISDIRECTED_REQUEST, (host == null
                    ? "no Host header" : "this is not " + host) + ": the admin API answers to its own address only\n"));
        }
        Optional<String> crossSite = CrossSiteRequests.refusal(method, headers, host);
        if (crossSite.isPresent()) {
            return Optional.of(AdminResponse.error(HttpResponseStatus.FORBIDDEN, crossSite.get()));
        }
        String expected = token.get();
        if (expected != null && !open(method, path)
                && !BearerToken.bears(headers.get(HttpHeaderNames.AUTHORIZATION), expected)) {
            return Optional.of(AdminResponse.error(HttpResponseStatus.UNAUTHORIZED,
                            "this admin API needs its token (admin.token): send Authorization: Bearer <token>")
                    .withHeader("WWW-Authenticate", "Bearer realm=\"maitre admin\""));
        }
        return Optional.empty();
    }

    /** What is answered without the token: the probes, and the page, which shows nothing by itself. */
    private static boolean open(HttpMethod method, AdminPath path) {
        boolean read = HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method);
        return read && (path.matches("healthz") || path.matches("ready") || path.matches());
    }
}
