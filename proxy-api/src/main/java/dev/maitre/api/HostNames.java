package dev.maitre.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a host, as written in configuration or in a {@code Host} header, says by itself: whether it
 * is an IP literal, a loopback name or the wildcard address. Never resolves a name: a host that is
 * not a literal is only ever compared as text.
 */
public final class HostNames {

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    private HostNames() {
    }

    /**
     * The address {@code host} spells, when it is an IPv4 literal ({@code 127.0.0.1}) or an IPv6 one,
     * with or without brackets ({@code ::1}, {@code [::1]}); empty for a name.
     */
    public static Optional<InetAddress> literal(String host) {
        Matcher v4 = IPV4.matcher(host);
        if (v4.matches()) {
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                int part = Integer.parseInt(v4.group(i + 1));
                if (part > 255) {
                    return Optional.empty();
                }
                bytes[i] = (byte) part;
            }
            return Optional.of(byAddress(bytes));
        }
        String v6 = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (v6.indexOf(':') < 0 || !v6.matches("[0-9A-Fa-f:.]+")) {
            return Optional.empty();
        }
        try {
            // an IPv6 literal (it holds a colon) is parsed, never looked up
            return Optional.of(InetAddress.getByName("[" + v6 + "]"));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code host} is {@code localhost}, an address of 127.0.0.0/8 or {@code ::1}. */
    public static boolean isLoopback(String host) {
        return host.toLowerCase(Locale.ROOT).equals("localhost")
                || literal(host).map(InetAddress::isLoopbackAddress).orElse(false);
    }

    /** Whether {@code host} is the wildcard address, {@code 0.0.0.0} or {@code ::}: every local address. */
    public static boolean isWildcard(String host) {
        return literal(host).map(InetAddress::isAnyLocalAddress).orElse(false);
    }

    private static InetAddress byAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are an IPv4 address", e);
        }
    }
}
