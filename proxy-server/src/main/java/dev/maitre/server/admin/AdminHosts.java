package dev.maitre.server.admin;

import dev.maitre.api.HostNames;
import dev.maitre.api.HostPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Optional;

/**
 * The host names the admin API answers to, so that DNS rebinding cannot turn a page of another
 * site into a client of it: a page on {@code rebind.evil.example} whose name now points at
 * 127.0.0.1 reaches the admin address, but its requests still say {@code Host: rebind.evil.example}.
 *
 * <p>Answered: loopback names ({@code localhost}, 127.0.0.0/8, {@code [::1]}) on any port, since a
 * tunnel may forward another port to the admin one; {@code admin.bind} as configured or as bound;
 * with a wildcard bind ({@code 0.0.0.0}, {@code ::}), any IP literal, since the machine's addresses
 * are many and a rebinding page never has an IP literal for its host.
 */
final class AdminHosts {

    private static final int HTTP_PORT = 80;

    private final HostPort bind;

    AdminHosts(HostPort bind) {
        this.bind = bind;
    }

    /**
     * Whether {@code host}, a {@code Host} header ({@code null} when absent), names the admin API
     * reached on {@code local}, the connection's local address.
     */
    boolean answers(String host, InetSocketAddress local) {
        Optional<HostPort> parsed = parse(host);
        if (parsed.isEmpty()) {
            return false;
        }
        String name = parsed.get().host();
        int port = parsed.get().port();
        if (HostNames.isLoopback(name)) {
            return true;
        }
        if (bind.isWildcard()) {
            return HostNames.literal(name).isPresent();
        }
        if (port != bind.port() && port != local.getPort()) {
            return false;
        }
        if (name.equalsIgnoreCase(bind.host())) {
            return true;
        }
        Optional<InetAddress> address = HostNames.literal(name);
        return address.isPresent() && (address.equals(HostNames.literal(bind.host()))
                || address.get().equals(local.getAddress()));
    }

    /**
     * {@code Host} as a host and a port, 80 when it has none; empty when absent or malformed. The
     * host keeps the brackets of an IPv6 literal out, as {@link HostPort} does.
     */
    static Optional<HostPort> parse(String host) {
        if (host == null || host.isBlank()) {
            return Optional.empty();
        }
        String text = host.trim().toLowerCase(Locale.ROOT);
        int close = text.lastIndexOf(']');
        int colon = text.lastIndexOf(':');
        boolean hasPort = colon > close && (close >= 0 || text.indexOf(':') == colon);
        String name = hasPort ? text.substring(0, colon) : text;
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        } else if (name.indexOf(':') >= 0 || name.indexOf('[') >= 0 || name.indexOf(']') >= 0) {
            return Optional.empty();
        }
        try {
            int port = hasPort ? Integer.parseInt(text.substring(colon + 1)) : HTTP_PORT;
            return Optional.of(new HostPort(name, port));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
