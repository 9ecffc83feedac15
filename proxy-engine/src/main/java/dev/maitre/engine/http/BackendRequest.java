package dev.maitre.engine.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Turns a client's request head into the head sent to the backend: hop-by-hop headers and (unless the
 * listener allows them) underscored header names removed, the body re-framed as chunked if it was,
 * forwarding headers set, the target in origin-form with dot segments resolved (an absolute-form
 * target gives its authority as Host), HTTP/1.1 on the backend side. One per listener.
 */
final class BackendRequest {

    private final ForwardingHeaders forwarding;
    private final boolean allowUnderscores;

    BackendRequest(String scheme, boolean allowUnderscores) {
        this.forwarding = new ForwardingHeaders(scheme);
        this.allowUnderscores = allowUnderscores;
    }

    /**
     * Rewrites {@code request}, received from {@code hop}, in place.
     *
     * @return true when the client named no host, so that the backend's address must be sent as
     *     {@code Host} once the backend is chosen
     */
    boolean rewrite(HttpRequest request, RequestTarget target, ClientHop hop) {
        String host = target.host(request);
        boolean chunked = HttpUtil.isTransferEncodingChunked(request);
        boolean http10 = request.protocolVersion().minorVersion() == 0;
        HopByHopHeaders.strip(request.headers());
        UnderscoredHeaders.strip(request.headers(), allowUnderscores);
        if (chunked) {
            request.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        if (http10) {
            // RFC 9110 §10.1.1: an expectation from an HTTP/1.0 client is ignored.
            request.headers().remove(HttpHeaderNames.EXPECT);
        }
        if (target.authority() != null) {
            request.headers().set(HttpHeaderNames.HOST, target.authority());
        }
        boolean hostFromBackend = host == null || host.isEmpty();
        forwarding.apply(request.headers(), hop, hostFromBackend ? null : host);
        request.setUri(target.originForm());
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        return hostFromBackend;
    }
}
