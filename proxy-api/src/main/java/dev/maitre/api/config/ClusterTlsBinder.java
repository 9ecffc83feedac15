package dev.maitre.api.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Binds {@code clusters[].tls}: how maitre speaks TLS to a cluster's backends. */
final class ClusterTlsBinder {

    private static final List<String> KEYS =
            List.of("enabled", "caFile", "serverName", "verify", "certFile", "keyFile", "alpn");
    private static final String SERVER_NAME = "a host name such as backend.internal, or an IP address";
    private static final Pattern HOST_NAME = Pattern.compile(
            "[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\\.?", Pattern.CASE_INSENSITIVE);
    private static final Pattern IPV6 = Pattern.compile("[0-9a-f:.]*:[0-9a-f:.]*", Pattern.CASE_INSENSITIVE);
    private static final String ALPN = "a protocol name such as h2 or http/1.1 (printable ASCII, 1-255 bytes)";
    private static final String CA_FILE = "a readable PEM file of CA certificates; leave caFile out for the JDK's "
            + "default trust store";
    private static final String CERT_FILE = "a readable PEM certificate file, given with keyFile";
    private static final String KEY_FILE = "a readable PEM private key file, given with certFile";

    private ClusterTlsBinder() {
    }

    /** The cluster's TLS, or {@code null} when the section is absent (clear text) or invalid. */
    static ClusterTlsConfig bind(ConfigNode node, Path baseDir) {
        if (!node.isMapping(KEYS)) {
            return null;
        }
        boolean enabled = node.get("enabled").bool(true);
        ConfigNode caNode = node.get("caFile");
        Path caFile = caNode.isPresent() ? TlsBinder.readableFile(caNode.required(CA_FILE), baseDir, CA_FILE) : null;
        String serverName = bindServerName(node.get("serverName"));
        boolean verify = node.get("verify").bool(true);
        ConfigNode certNode = node.get("certFile");
        ConfigNode keyNode = node.get("keyFile");
        Path certFile = null;
        Path keyFile = null;
        if (certNode.isPresent() || keyNode.isPresent()) {
            certFile = TlsBinder.readableFile(certNode.required(CERT_FILE), baseDir, CERT_FILE);
            keyFile = TlsBinder.readableFile(keyNode.required(KEY_FILE), baseDir, KEY_FILE);
        }
        List<String> alpn = bindAlpn(node.get("alpn"));
        boolean filesValid = (caFile != null || !caNode.isPresent())
                && (certFile != null) == (keyFile != null)
                && (certFile != null || !(certNode.isPresent() || keyNode.isPresent()));
        if (!filesValid) {
            return null;
        }
        return new ClusterTlsConfig(enabled, caFile, serverName, verify, certFile, keyFile, alpn);
    }

    private static String bindServerName(ConfigNode node) {
        String name = node.text(SERVER_NAME);
        if (name == null) {
            return null;
        }
        if (!HOST_NAME.matcher(name).matches() && !IPV6.matcher(name).matches()) {
            node.reject(SERVER_NAME);
            return null;
        }
        return name;
    }

    private static List<String> bindAlpn(ConfigNode node) {
        List<String> protocols = new ArrayList<>();
        if (node.given().equals("empty")) {
            node.reject("a list of protocol names such as [h2, http/1.1]; leave alpn out to offer none");
            return protocols;
        }
        for (ConfigNode element : node.elements()) {
            String protocol = element.text(ALPN);
            if (protocol == null) {
                continue;
            }
            int bytes = protocol.getBytes(StandardCharsets.UTF_8).length;
            if (bytes == 0 || bytes > 255 || protocol.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
                element.reject(ALPN);
            } else if (protocols.contains(protocol)) {
                element.reject("a protocol not listed before");
            } else {
                protocols.add(protocol);
            }
        }
        return protocols;
    }
}
