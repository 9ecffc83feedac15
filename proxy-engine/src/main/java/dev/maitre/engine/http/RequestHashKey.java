package dev.maitre.engine.http;

import dev.maitre.api.config.HashOn;
import dev.maitre.engine.balance.Hash64;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

/**
 * The hash key of a request for {@code consistent_hash}, from what the cluster's {@code hashOn} names.
 * A request without the named header or cookie is keyed by its client's IP, so that it still sticks
 * to one backend. Reads the request in place: nothing is allocated.
 */
final class RequestHashKey {

    private RequestHashKey() {
    }

    static long of(HashOn hashOn, HttpRequest request, String clientIp) {
        return switch (hashOn.source()) {
            case CLIENT_IP -> Hash64.of(clientIp);
            case PATH -> pathKey(request.uri());
            case HEADER -> {
                String value = request.headers().get(hashOn.name());
                yield value != null ? Hash64.of(value) : Hash64.of(clientIp);
            }
            case COOKIE -> cookieKey(request.headers().get(HttpHeaderNames.COOKIE), hashOn.name(), clientIp);
        };
    }

    /** The path of an origin-form target: up to the query. */
    private static long pathKey(String target) {
        int query = target.indexOf('?');
        return Hash64.of(target, 0, query < 0 ? target.length() : query);
    }

    /** The value of cookie {@code name} in a {@code Cookie} header ({@code a=1; b=2}, RFC 6265 §4.2.1). */
    static long cookieKey(String header, String name, String clientIp) {
        if (header != null) {
            int length = header.length();
            int pair = 0;
            while (pair < length) {
                while (pair < length && (header.charAt(pair) == ' ' || header.charAt(pair) == ';')) {
                    pair++;
                }
                int end = header.indexOf(';', pair);
                if (end < 0) {
                    end = length;
                }
                int equals = pair + name.length();
                if (equals < end && header.charAt(equals) == '=' && header.regionMatches(pair, name, 0, name.length())) {
                    int valueEnd = end;
                    while (valueEnd > equals + 1 && header.charAt(valueEnd - 1) == ' ') {
                        valueEnd--;
                    }
                    return Hash64.of(header, equals + 1, valueEnd);
                }
                pair = end + 1;
            }
        }
        return Hash64.of(clientIp);
    }
}
