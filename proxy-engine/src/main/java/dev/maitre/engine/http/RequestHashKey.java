package dev.maitre.engine.http;

import dev.maitre.api.config.HashOn;
import dev.maitre.engine.balance.Hash64;
import dev.maitre.engine.http1.RequestHead;
import io.netty.handler.codec.http.HttpHeaderNames;

/**
 * The hash key of a request for {@code consistent_hash}, from what the cluster's {@code hashOn} names.
 * A request without the named header or cookie is keyed by its client's IP, so that it still sticks
 * to one backend. A header is read as the client sent it (its first field of that name).
 */
final class RequestHashKey {

    private RequestHashKey() {
    }

    /** @param originForm the target sent to the backend (its path is the key of {@code hashOn: path}) */
    static long of(HashOn hashOn, RequestHead request, String originForm, String clientIp) {
        return switch (hashOn.source()) {
            case CLIENT_IP -> Hash64.of(clientIp);
            case PATH -> pathKey(originForm);
            case HEADER -> {
                String value = value(request, hashOn.name());
                yield value != null ? Hash64.of(value) : Hash64.of(clientIp);
            }
            case COOKIE -> cookieKey(value(request, HttpHeaderNames.COOKIE.toString()), hashOn.name(), clientIp);
        };
    }

    /** The value of the first field named {@code name} (any case), or null. */
    private static String value(RequestHead request, String name) {
        for (int i = 0; i < request.fieldCount(); i++) {
            int from = request.nameStart(i);
            if (request.nameEnd(i) - from == name.length() && sameIgnoringCase(request, from, name)) {
                return request.value(i);
            }
        }
        return null;
    }

    private static boolean sameIgnoringCase(RequestHead request, int from, String name) {
        for (int k = 0; k < name.length(); k++) {
            if (Character.toLowerCase((char) (request.byteAt(from + k) & 0xff)) != Character.toLowerCase(name.charAt(k))) {
                return false;
            }
        }
        return true;
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
