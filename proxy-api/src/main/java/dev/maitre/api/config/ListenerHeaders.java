package dev.maitre.api.config;

/**
 * How an http listener treats request header names.
 *
 * @param allowUnderscores whether header names with {@code _} are forwarded; off by default, as in
 *     nginx, because many backends (CGI, WSGI, PHP) read {@code X_Forwarded_For} and
 *     {@code X-Forwarded-For} as the same variable, so an underscored name can pass for a header the
 *     proxy sets. Underscored spellings of the forwarding headers are dropped either way.
 */
public record ListenerHeaders(boolean allowUnderscores) {

    public static ListenerHeaders defaults() {
        return new ListenerHeaders(false);
    }
}
