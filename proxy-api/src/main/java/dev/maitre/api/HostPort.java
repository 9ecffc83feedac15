package dev.maitre.api;

import java.util.Objects;

/**
 * A host and a port, as written in configuration ({@code 127.0.0.1:8080}, {@code [::1]:8080},
 * {@code backend.internal:80}). Host names are resolved when a connection is made, not here.
 */
public record HostPort(String host, int port) {

    public HostPort {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host: empty (expected: a host name or IP address)");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
        }
    }

    /**
     * Parses {@code host:port}; IPv6 addresses are written in brackets.
     *
     * @throws IllegalArgumentException with a message that says what was expected
     */
    public static HostPort parse(String text) {
        Objects.requireNonNull(text, "text");
        String s = text.trim();
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw new IllegalArgumentException(text + " (expected: [ipv6]:port)");
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || s.indexOf(':') != colon) {
                throw new IllegalArgumentException(text + " (expected: host:port)");
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(text + " (expected: host:port with a port of 0-65535)");
        }
        if (p < 0 || p > 65535 || host.isEmpty()) {
            throw new IllegalArgumentException(text + " (expected: host:port with a port of 0-65535)");
        }
        return new HostPort(host, p);
    }

    /** Whether this is on {@code localhost}, an address of 127.0.0.0/8 or {@code ::1}. */
    public boolean isLoopback() {
        return HostNames.isLoopback(host);
    }

    /** Whether the host is the wildcard address ({@code 0.0.0.0} or {@code ::}), which listens on every address. */
    public boolean isWildcard() {
        return HostNames.isWildcard(host);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
