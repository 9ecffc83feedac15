package dev.maitre.api.config;

import static dev.maitre.api.config.ConfigTree.list;
import static dev.maitre.api.config.ConfigTree.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.assertj.core.api.ListAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ListenerRulesTest {

    private static final String NAME = "a name such as api or web-1, of letters, digits, '.', '_' and '-'";

    /** {@link ConfigTree#minimal()} with a second http listener {@code web2} and a cluster {@code api}. */
    private static ConfigTree twoListeners() {
        return ConfigTree.minimal()
                .set("listeners[1]", map("name", "web2", "bind", "127.0.0.1:8081", "protocol", "http",
                        "routes", list(map("cluster", "web"))))
                .set("clusters[1]", map("name", "api", "backends", list(map("address", "127.0.0.1:9001"))));
    }

    /** A tcp listener {@code db} relaying to cluster {@code web}. */
    private static ConfigTree tcpListener() {
        return ConfigTree.minimal()
                .set("listeners[0]", map("name", "db", "bind", "127.0.0.1:5433", "protocol", "tcp", "cluster", "web"));
    }

    @Test
    void requiresNameBindAndProtocol() {
        assertThat(ConfigTree.minimal()
                .remove("listeners[0].name").remove("listeners[0].bind").remove("listeners[0].protocol")
                .errors())
                .containsExactly(
                        "listeners[0].name: missing (expected: " + NAME + ")",
                        "listeners[0].bind: missing (expected: an address such as 0.0.0.0:8080)",
                        "listeners[0].protocol: missing (expected: http or tcp)");
    }

    @Test
    void rejectsAnUnknownListenerKey() {
        assertThat(ConfigTree.minimal().set("listeners[0].bogus", 1).errors()).containsExactly(
                "listeners[0].bogus: unknown key (expected one of: name, bind, protocol, routes, cluster, relay, "
                        + "tls, timeouts, limits, trustedProxies, headers, upgrades, http2, proxyProtocol)");
    }

    @Test
    void rejectsAListenerThatIsNotAMapping() {
        assertThat(ConfigTree.minimal().set("listeners[1]", "web").errors())
                .containsExactly("listeners[1]: web (expected: a mapping)");
    }

    @Test
    void rejectsAnEmptyOrMalformedName() {
        assertThat(ConfigTree.minimal().set("listeners[0].name", "").errors())
                .containsExactly("listeners[0].name: \"\" (expected: " + NAME + ")");
        assertThat(ConfigTree.minimal().set("listeners[0].name", "my web").errors())
                .containsExactly("listeners[0].name: my web (expected: " + NAME + ")");
    }

    @Test
    void rejectsTheSameNameTwice() {
        assertThat(twoListeners().set("listeners[1].name", "web").errors()).containsExactly(
                "listeners[1].name: web (expected: a name of its own; listeners[0] is also named web)");
    }

    @Test
    void rejectsTheSameBindTwice() {
        assertThat(twoListeners().set("listeners[1].bind", "127.0.0.1:8080").errors()).containsExactly(
                "listeners[1].bind: 127.0.0.1:8080 (expected: an address of its own; listeners[0] binds it too)");
    }

    @Test
    void allowsSeveralListenersOnPortZero() throws ConfigException {
        ProxyConfig config = twoListeners()
                .set("listeners[0].bind", "127.0.0.1:0")
                .set("listeners[1].bind", "127.0.0.1:0")
                .bind();

        assertThat(config.listeners()).extracting(l -> l.bind().port()).containsExactly(0, 0);
    }

    @Test
    void rejectsTheAdminAddressAsAListenerBind() {
        assertThat(ConfigTree.minimal().set("listeners[0].bind", "127.0.0.1:9901").errors()).containsExactly(
                "listeners[0].bind: 127.0.0.1:9901 (expected: an address other than admin.bind)");
    }

    @Test
    void rejectsABindThatIsNotHostAndPort() {
        assertThat(ConfigTree.minimal().set("listeners[0].bind", 8080).errors())
                .containsExactly("listeners[0].bind: 8080 (expected: host:port)");
        assertThat(ConfigTree.minimal().set("listeners[0].bind", "127.0.0.1:99999").errors())
                .containsExactly("listeners[0].bind: 127.0.0.1:99999 (expected: host:port with a port of 0-65535)");
    }

    @Test
    void rejectsAnUnknownProtocol() {
        assertThat(ConfigTree.minimal().set("listeners[0].protocol", "htp").errors())
                .containsExactly("listeners[0].protocol: htp (expected: http or tcp)");
        assertThat(ConfigTree.minimal().set("listeners[0].protocol", "HTTP").errors())
                .containsExactly("listeners[0].protocol: HTTP (expected: http or tcp)");
    }

    @Test
    void stillChecksTheRoutesOfAListenerWithAnUnknownProtocol() {
        assertThat(ConfigTree.minimal()
                .set("listeners[0].protocol", "htp")
                .set("listeners[0].routes[0].cluster", "nope")
                .errors())
                .containsExactly(
                        "listeners[0].protocol: htp (expected: http or tcp)",
                        "listeners[0].routes[0].cluster: nope (expected: the name of a cluster: web)");
    }

    @Test
    void requiresRoutesOnAnHttpListener() {
        assertThat(ConfigTree.minimal().remove("listeners[0].routes").errors())
                .containsExactly("listeners[0].routes: missing (expected: at least one route)");
        assertThat(ConfigTree.minimal().set("listeners[0].routes", list()).errors())
                .containsExactly("listeners[0].routes: empty (expected: at least one route)");
    }

    @Test
    void rejectsClusterOnAnHttpListener() {
        assertThat(ConfigTree.minimal().set("listeners[0].cluster", "web").errors()).containsExactly(
                "listeners[0].cluster: web (expected: no cluster on an http listener; its routes name the clusters)");
    }

    @Test
    void bindsATcpListener() throws ConfigException {
        ListenerConfig db = tcpListener().bind().listeners().get(0);

        assertThat(db.protocol()).isEqualTo(Protocol.TCP);
        assertThat(db.cluster()).isEqualTo("web");
        assertThat(db.routes()).isEmpty();
    }

    @Test
    void relaysATcpListenerBufferedUnlessSpliceIsAskedFor() throws ConfigException {
        assertThat(tcpListener().bind().listeners().get(0).relay()).isEqualTo(RelayMode.BUFFERED);
        assertThat(tcpListener().set("listeners[0].relay", "buffered").bind().listeners().get(0).relay())
                .isEqualTo(RelayMode.BUFFERED);
        assertThat(tcpListener().set("listeners[0].relay", "splice").bind().listeners().get(0).relay())
                .isEqualTo(RelayMode.SPLICE);
    }

    @Test
    void rejectsAnUnknownRelayMode() {
        assertThat(tcpListener().set("listeners[0].relay", "zerocopy").errors())
                .containsExactly("listeners[0].relay: zerocopy (expected: buffered or splice)");
    }

    @Test
    void rejectsARelayModeOnAnHttpListener() {
        assertThat(ConfigTree.minimal().set("listeners[0].relay", "splice").errors()).containsExactly(
                "listeners[0].relay: splice (expected: no relay on an http listener; it is a tcp listener setting)");
    }

    @Test
    void rejectsSpliceWithTls(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("cert.pem"), "cert");
        Files.writeString(dir.resolve("key.pem"), "key");

        assertThatErrors(tcpListener().set("listeners[0].relay", "splice")
                .set("listeners[0].tls", map("certFile", "cert.pem", "keyFile", "key.pem")), dir)
                .containsExactly("listeners[0].relay: splice (expected: buffered on a listener with tls; splice "
                        + "moves bytes the proxy never sees, so it cannot decrypt them)");
    }

    @Test
    void requiresAClusterOnATcpListener() {
        assertThat(tcpListener().remove("listeners[0].cluster").errors())
                .containsExactly("listeners[0].cluster: missing (expected: the name of a cluster: web)");
    }

    @Test
    void rejectsRoutesOnATcpListener() {
        assertThat(tcpListener().set("listeners[0].routes", list(map("cluster", "web"))).errors()).containsExactly(
                "listeners[0].routes: a list (expected: no routes on a tcp listener; its cluster key names the one "
                        + "cluster)");
    }

    @Test
    void rejectsAClusterThatDoesNotExist() {
        assertThat(twoListeners().set("listeners[0].routes[1]", map("cluster", "apii")).errors()).containsExactly(
                "listeners[0].routes[1].cluster: apii (expected: the name of a cluster: web, api)");
        assertThat(tcpListener().set("listeners[0].cluster", "pg").errors())
                .containsExactly("listeners[0].cluster: pg (expected: the name of a cluster: web)");
    }

    @Test
    void saysSoWhenNoClusterIsConfigured() {
        assertThat(ConfigTree.minimal().remove("clusters").errors()).containsExactly(
                "clusters: missing (expected: at least one cluster)",
                "listeners[0].routes[0].cluster: web (expected: the name of a cluster; none is configured)");
    }

    @Test
    void requiresTheClusterOfARoute() {
        assertThat(ConfigTree.minimal().set("listeners[0].routes[0]", map("pathPrefix", "/")).errors())
                .containsExactly("listeners[0].routes[0].cluster: missing (expected: the name of a cluster: web)");
    }

    @Test
    void bindsRouteHostsInLowerCaseAndWildcards() throws ConfigException {
        ListenerConfig listener = ConfigTree.minimal()
                .set("listeners[0].routes[0]", map("host", "API.Example.com", "cluster", "web"))
                .set("listeners[0].routes[1]", map("host", "*.example.com", "pathPrefix", "/static", "cluster", "web"))
                .bind().listeners().get(0);

        assertThat(listener.routes()).containsExactly(
                new RouteConfig("api.example.com", null, "web"),
                new RouteConfig("*.example.com", "/static", "web"));
    }

    @Test
    void rejectsARouteHostThatIsNotAHostNameOrWildcard() {
        String expected = " (expected: a host name such as api.example.com or *.example.com; "
                + "leave host out to match any)";
        for (String host : new String[] {"api.example.com:8080", "*", "a.*.com", "http://api", "-api.com", ""}) {
            String given = host.isEmpty() ? "\"\"" : host;
            assertThat(ConfigTree.minimal().set("listeners[0].routes[0].host", host).errors())
                    .containsExactly("listeners[0].routes[0].host: " + given + expected);
        }
    }

    @Test
    void rejectsAPathPrefixWithoutLeadingSlash() {
        assertThat(ConfigTree.minimal().set("listeners[0].routes[0].pathPrefix", "api").errors())
                .containsExactly("listeners[0].routes[0].pathPrefix: api (expected: a path starting with /)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/../admin", "/api/./x", "/api//x", "//api", "/api/%2e%2e", "/..", "/."})
    void rejectsAPathPrefixThatNoResolvedPathCouldMatch(String prefix) {
        assertThat(ConfigTree.minimal().set("listeners[0].routes[0].pathPrefix", prefix).errors())
                .containsExactly("listeners[0].routes[0].pathPrefix: " + prefix + " (expected: a path starting with /, "
                        + "without . or .. segments or repeated slashes (requests are routed by their path with "
                        + "those resolved))");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/api", "/api/", "/api/v1.2", "/.well-known/", "/a...b", "/files%2Fall"})
    void acceptsPathPrefixesInResolvedForm(String prefix) throws ConfigException {
        assertThat(ConfigTree.minimal().set("listeners[0].routes[0].pathPrefix", prefix).bind()
                .listeners().get(0).routes().get(0).pathPrefix()).isEqualTo(prefix);
    }

    @Test
    void rejectsAnUnknownRouteKey() {
        assertThat(ConfigTree.minimal().set("listeners[0].routes[0].path", "/api").errors()).containsExactly(
                "listeners[0].routes[0].path: unknown key (expected one of: host, pathPrefix, cluster)");
    }

    @Test
    void bindsTimeoutsAndLimits() throws ConfigException {
        ListenerConfig listener = ConfigTree.minimal()
                .set("listeners[0].timeouts", map("requestHeader", "5s", "idle", "2m"))
                .set("listeners[0].limits", map("maxRequestLineBytes", "4KiB", "maxHeaderBytes", 32768,
                        "maxBodyBytes", "1GiB", "maxConnections", 100))
                .bind().listeners().get(0);

        assertThat(listener.timeouts()).isEqualTo(new ListenerTimeouts(Duration.ofSeconds(5), Duration.ofMinutes(2)));
        assertThat(listener.limits()).isEqualTo(new ListenerLimits(4096, 32768, 1L << 30, 100));
    }

    @Test
    void bindsTheClientTimeoutAndPipelinedRequests() throws ConfigException {
        ListenerConfig listener = ConfigTree.minimal()
                .set("listeners[0].timeouts", map("client", "15s"))
                .set("listeners[0].limits", map("pipelinedRequests", 4))
                .bind().listeners().get(0);

        assertThat(listener.timeouts().client()).isEqualTo(Duration.ofSeconds(15));
        assertThat(listener.limits().pipelinedRequests()).isEqualTo(4);
        ListenerConfig defaults = ConfigTree.minimal().bind().listeners().get(0);
        assertThat(defaults.timeouts().client()).isEqualTo(Duration.ofSeconds(60));
        assertThat(defaults.limits().pipelinedRequests()).isEqualTo(16);
    }

    @Test
    void rejectsAZeroClientTimeoutAndPipelinedRequestsOutOfRange() {
        assertThat(ConfigTree.minimal()
                .set("listeners[0].timeouts", map("client", "0s"))
                .set("listeners[0].limits", map("pipelinedRequests", 0)).errors())
                .containsExactly(
                        "listeners[0].timeouts.client: 0s (expected: > 0)",
                        "listeners[0].limits.pipelinedRequests: 0 (expected: 1-1024)");
    }

    @Test
    void rejectsZeroTimeouts() {
        assertThat(ConfigTree.minimal().set("listeners[0].timeouts", map("requestHeader", "0s", "idle", 0)).errors())
                .containsExactly(
                        "listeners[0].timeouts.requestHeader: 0s (expected: > 0)",
                        "listeners[0].timeouts.idle: 0 (expected: > 0)");
    }

    @Test
    void rejectsBadLimits() {
        assertThat(ConfigTree.minimal().set("listeners[0].limits", map(
                "maxRequestLineBytes", "0B",
                "maxHeaderBytes", "2GiB",
                "maxBodyBytes", "16KB",
                "maxConnections", 0)).errors())
                .containsExactly(
                        "listeners[0].limits.maxRequestLineBytes: 0B (expected: > 0)",
                        "listeners[0].limits.maxHeaderBytes: 2GiB (expected: at most 1GiB)",
                        "listeners[0].limits.maxBodyBytes: 16KB (expected: a size such as 512B, 16KiB or 1MiB)",
                        "listeners[0].limits.maxConnections: 0 (expected: >= 1)");
    }

    @Test
    void bindsTlsFilesRelativeToTheBaseDirectory(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("cert.pem"), "cert");
        Files.createDirectory(dir.resolve("keys"));
        Files.writeString(dir.resolve("keys/key.pem"), "key");

        ProxyConfig config = ConfigBinder.bind(ConfigTree.minimal()
                .set("listeners[0].tls", map("certFile", "cert.pem", "keyFile", "keys/key.pem"))
                .root(), path -> 0, dir);

        assertThat(config.listeners().get(0).tls())
                .isEqualTo(new TlsConfig(dir.resolve("cert.pem"), dir.resolve("keys/key.pem")));
    }

    @Test
    void rejectsTlsFilesThatCannotBeRead(@TempDir Path dir) {
        ConfigTree tree = ConfigTree.minimal()
                .set("listeners[0].tls", map("certFile", "missing.pem", "keyFile", dir.toString()));

        assertThatErrors(tree, dir).containsExactly(
                "listeners[0].tls.certFile: missing.pem (expected: a readable PEM certificate file; "
                        + dir.resolve("missing.pem") + " does not exist)",
                "listeners[0].tls.keyFile: " + dir + " (expected: a readable PEM private key file; "
                        + dir + " is not a file)");
    }

    @Test
    void requiresBothTlsFiles(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("cert.pem"), "cert");

        assertThatErrors(ConfigTree.minimal().set("listeners[0].tls", map("certFile", "cert.pem")), dir)
                .containsExactly("listeners[0].tls.keyFile: missing (expected: a readable PEM private key file)");
    }

    private static ListAssert<String> assertThatErrors(ConfigTree tree, Path baseDir) {
        try {
            ConfigBinder.bind(tree.root(), path -> 0, baseDir);
        } catch (ConfigException e) {
            return assertThat(e.errors().stream().map(ConfigError::toString).toList());
        }
        throw new AssertionError("expected errors");
    }
}
