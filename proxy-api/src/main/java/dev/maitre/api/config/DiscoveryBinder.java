package dev.maitre.api.config;

import dev.maitre.api.HostNames;
import dev.maitre.api.HostPort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Binds {@code clusters[].discovery}: where a cluster finds backends while maitre runs. */
final class DiscoveryBinder {

    private static final List<String> KEYS = List.of("dns");
    private static final List<String> DNS_KEYS =
            List.of("name", "port", "srv", "minRefresh", "maxRefresh", "resolvers");
    private static final Pattern HOST_NAME = Pattern.compile(
            "[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\\.?", Pattern.CASE_INSENSITIVE);
    private static final String NAME = "a DNS name such as grpc.default.svc.cluster.local";
    private static final String SRV = "an SRV name such as _grpc._tcp.grpc.default.svc.cluster.local";
    private static final String RESOLVER = "a DNS server's IP address and port such as 10.0.0.10:53";

    private DiscoveryBinder() {
    }

    /** The cluster's discovery, or {@code null} when the section is absent or invalid. */
    static DiscoveryConfig bind(ConfigNode node) {
        if (!node.isMapping(KEYS)) {
            return null;
        }
        ConfigNode dns = node.get("dns");
        if (!dns.isPresent()) {
            dns.reject("a dns mapping with name and port, or srv");
            return null;
        }
        DnsDiscoveryConfig config = bindDns(dns);
        return config != null ? DiscoveryConfig.dns(config) : null;
    }

    private static DnsDiscoveryConfig bindDns(ConfigNode node) {
        if (!node.isMapping(DNS_KEYS)) {
            return null;
        }
        ConfigNode nameNode = node.get("name");
        ConfigNode srvNode = node.get("srv");
        ConfigNode portNode = node.get("port");
        String name = hostName(nameNode, NAME);
        String srv = hostName(srvNode, SRV);
        boolean valid = true;
        if (nameNode.isPresent() == srvNode.isPresent()) {
            (nameNode.isPresent() ? srvNode : nameNode).reject(nameNode.isPresent()
                    ? "either name or srv, not both" : "name (with port) or srv");
            valid = false;
        }
        int port = 0;
        if (nameNode.isPresent()) {
            port = portNode.required("the backends' port with name, 1-65535").integer(0, 1, 65535);
        } else if (portNode.isPresent()) {
            portNode.reject("no port with srv: each SRV record gives its own");
            valid = false;
        }
        Duration minRefresh = node.get("minRefresh").positiveDuration(DnsDiscoveryConfig.DEFAULT_MIN_REFRESH);
        ConfigNode maxNode = node.get("maxRefresh");
        Duration maxRefresh = maxNode.positiveDuration(DnsDiscoveryConfig.DEFAULT_MAX_REFRESH);
        if (maxRefresh.compareTo(minRefresh) < 0) {
            maxNode.reject(">= minRefresh " + Durations.format(minRefresh));
            valid = false;
        }
        List<HostPort> resolvers = bindResolvers(node.get("resolvers"));
        if (!valid || (name == null && srv == null) || (name != null && port == 0) || resolvers == null) {
            return null;
        }
        return new DnsDiscoveryConfig(name, port, srv, minRefresh, maxRefresh, resolvers);
    }

    private static String hostName(ConfigNode node, String expected) {
        String name = node.text(expected);
        if (name == null) {
            return null;
        }
        if (!HOST_NAME.matcher(name).matches() || HostNames.literal(name).isPresent()) {
            node.reject(expected);
            return null;
        }
        return name;
    }

    /** The servers listed, or {@code null} when one of them is invalid. */
    private static List<HostPort> bindResolvers(ConfigNode node) {
        List<HostPort> resolvers = new ArrayList<>();
        if (node.given().equals("empty")) {
            node.reject("a list of DNS servers such as [10.0.0.10:53]; leave resolvers out for the system's");
            return null;
        }
        boolean valid = true;
        for (ConfigNode element : node.elements()) {
            HostPort server = element.parsed(null, RESOLVER, DiscoveryBinder::parseResolver);
            if (server == null) {
                valid = false;
            } else {
                resolvers.add(server);
            }
        }
        return valid ? resolvers : null;
    }

    private static HostPort parseResolver(String text) {
        String expected = text + " (expected: " + RESOLVER + ")";
        HostPort server;
        try {
            server = HostPort.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(expected, e);
        }
        // the resolvers are what names are resolved with: they cannot be names themselves
        if (server.port() == 0 || HostNames.literal(server.host()).isEmpty()) {
            throw new IllegalArgumentException(expected);
        }
        return server;
    }
}
