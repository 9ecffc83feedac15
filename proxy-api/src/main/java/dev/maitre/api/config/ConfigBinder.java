package dev.maitre.api.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;

/**
 * Turns a parsed configuration document into a validated {@link ProxyConfig}, with every default
 * applied. The document is the generic tree a YAML or JSON parser produces: {@link Map}s with string
 * keys in document order, {@link List}s, strings, numbers, booleans and {@code null}.
 *
 * <p>Binding does not stop at the first problem: every error of the document is collected and
 * thrown at once, each naming its key path ({@code clusters[1].healthCheck.timeout}), its line
 * where known, what was given and what was expected.
 */
public final class ConfigBinder {

    private static final List<String> KEYS =
            List.of("admin", "workers", "shutdownDelay", "shutdownGracePeriod", "accessLog", "listeners", "clusters");
    private static final String DOCUMENT = "a mapping with listeners and clusters";
    private static final Map<String, AccessLogFormat> ACCESS_LOG_FORMATS = new LinkedHashMap<>();

    static {
        ACCESS_LOG_FORMATS.put("maitre", AccessLogFormat.MAITRE);
        ACCESS_LOG_FORMATS.put("combined", AccessLogFormat.COMBINED);
        ACCESS_LOG_FORMATS.put("json", AccessLogFormat.JSON);
    }

    private ConfigBinder() {
    }

    /**
     * Binds {@code root}; relative TLS file names (listeners' and clusters') are resolved against the
     * working directory.
     *
     * @param lineOf the 1-based line of a key path such as {@code clusters[1].healthCheck.timeout} or
     *     {@code listeners[0]}, or 0 when unknown
     * @throws ConfigException with every error found
     */
    public static ProxyConfig bind(Object root, ToIntFunction<String> lineOf) throws ConfigException {
        return bind(root, lineOf, Path.of(""));
    }

    /**
     * Binds {@code root}, resolving relative TLS and token file names against {@code baseDir} (usually
     * the directory of the configuration file).
     *
     * @throws ConfigException with every error found
     */
    public static ProxyConfig bind(Object root, ToIntFunction<String> lineOf, Path baseDir) throws ConfigException {
        ConfigErrors errors = new ConfigErrors(lineOf);
        ConfigNode document = ConfigNode.root(root, errors);
        if (root == null) {
            document.error("empty document (expected: " + DOCUMENT + ")");
        } else if (!(root instanceof Map<?, ?>)) {
            document.reject(DOCUMENT);
        }
        errors.throwIfAny();
        document.isMapping(KEYS);

        AdminConfig admin = new AdminBinder(baseDir).bind(document.get("admin"));
        int workers = document.get("workers").integer(ProxyConfig.defaultWorkers(), 1, 1024);
        Duration shutdownDelay = document.get("shutdownDelay").duration(ProxyConfig.DEFAULT_SHUTDOWN_DELAY);
        Duration shutdownGracePeriod =
                document.get("shutdownGracePeriod").duration(ProxyConfig.DEFAULT_SHUTDOWN_GRACE_PERIOD);
        AccessLogConfig accessLog = bindAccessLog(document.get("accessLog"), baseDir);
        ClusterBinder clusterBinder = new ClusterBinder(baseDir);
        List<ClusterConfig> clusters = clusterBinder.bindAll(document.get("clusters"));
        List<ListenerConfig> listeners = new ListenerBinder(clusterBinder.names(), admin.bind(), baseDir)
                .bindAll(document.get("listeners"));
        rejectSpliceToTls(document.get("listeners"), clusters);

        errors.throwIfAny();
        return new ProxyConfig(admin, workers, shutdownDelay, shutdownGracePeriod, accessLog, listeners, clusters);
    }

    /**
     * A tcp listener cannot splice to a cluster spoken to over TLS: spliced bytes pass no pipeline, so
     * they could not be encrypted. (A listener with TLS of its own has its relay refused already.)
     */
    private static void rejectSpliceToTls(ConfigNode listeners, List<ClusterConfig> clusters) {
        if (!listeners.given().equals("a list")) {
            return;
        }
        Set<String> tlsClusters = clusters.stream().filter(ClusterConfig::tlsEnabled).map(ClusterConfig::name)
                .collect(Collectors.toSet());
        for (ConfigNode listener : listeners.elements()) {
            ConfigNode relay = listener.get("relay");
            String cluster = listener.get("cluster").given();
            if (relay.given().equals("splice") && tlsClusters.contains(cluster) && !listener.get("tls").isPresent()) {
                relay.reject("buffered to cluster " + cluster + ", which has tls; splice moves bytes the proxy "
                        + "never sees, so it cannot encrypt them");
            }
        }
    }

    private static AccessLogConfig bindAccessLog(ConfigNode node, Path baseDir) {
        if (!node.isMapping(List.of("enabled", "format", "path"))) {
            return AccessLogConfig.defaults();
        }
        boolean enabled = node.get("enabled").bool(false);
        AccessLogFormat format = node.get("format").choice(AccessLogFormat.MAITRE, ACCESS_LOG_FORMATS);
        return new AccessLogConfig(enabled, format, accessLogPath(node.get("path"), baseDir));
    }

    /** {@code stdout} or a file's path, resolved against {@code baseDir}; whether it opens is known at start. */
    private static String accessLogPath(ConfigNode node, Path baseDir) {
        String expected = AccessLogConfig.STDOUT + " or a file's path";
        String path = node.text(expected);
        if (path == null || path.equals(AccessLogConfig.STDOUT)) {
            return AccessLogConfig.STDOUT;
        }
        if (path.isBlank() || path.indexOf('\0') >= 0) {
            node.reject(expected);
            return AccessLogConfig.STDOUT;
        }
        try {
            return baseDir.resolve(path).normalize().toString();
        } catch (InvalidPathException e) {
            node.reject(expected);
            return AccessLogConfig.STDOUT;
        }
    }
}
