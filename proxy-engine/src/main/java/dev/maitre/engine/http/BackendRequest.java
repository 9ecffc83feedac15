package dev.maitre.engine.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Turns a client's request head into the head sent to the backend: hop-by-hop headers removed,
 * the body re-framed as chunked if it was, forwarding headers added, an absolute-form target made
 * origin-form with its authority as Host, HTTP/1.1 on the backend side.
 */
final class BackendRequest {

    private BackendRequest() {
    }

    /**
     * Rewrites {@code request} in place.
     *
     * @return true when the client named no host, so that the backend's address must be sent as
     *     {@code Host} once the backend is chosen
     */
    static boolean rewrite(HttpRequest request, RequestTarget target, String clientAddress, String scheme) {
        String host = target.host(request);
        boolean chunked = HttpUtil.isTransferEncodingChunked(request);
        boolean http10 = request.protocolVersion().minorVersion() == 0;
        HopByHopHeaders.strip(request.headers());
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
        ForwardingHeaders.apply(request.headers(), clientAddress, scheme, hostFromBackend ? null : host);
        request.setUri(target.originForm());
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        return hostFromBackend;
    }
}
