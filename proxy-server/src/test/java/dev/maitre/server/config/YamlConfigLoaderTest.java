package dev.maitre.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.BackendConfig;
import dev.maitre.api.config.ConfigError;
import dev.maitre.api.config.ConfigException;
import dev.maitre.api.config.HealthCheckConfig;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.api.config.ProxyProtocolVersion;
import dev.maitre.api.config.RouteConfig;
import dev.maitre.api.config.TlsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlConfigLoaderTest {

    /** The example of DESIGN.md, section 4, comments included. */
    static final String DESIGN_EXAMPLE = """
            admin:
              bind: 127.0.0.1:9901
            workers: 2                    # event-loop threads; default: the number of cores
            shutdownGracePeriod: 30s
            listeners:
              - name: web
                bind: 0.0.0.0:8080
                protocol: http            # http | tcp
                routes:                   # http only, first match wins
                  - host: api.example.com # optional; exact or *.example.com
                    pathPrefix: /api      # optional
                    cluster: api
                  - cluster: web          # catch-all
                # tls: { certFile: cert.pem, keyFile: key.pem }
                # timeouts: { requestHeader: 10s, idle: 60s }
                # limits: { maxHeaderBytes: 16KiB, maxBodyBytes: 100MiB, maxConnections: 10000 }
              - name: postgres
                bind: 0.0.0.0:5433
                protocol: tcp
                cluster: pg               # tcp listeners name one cluster
            clusters:
              - name: api
                balancer: round_robin     # round_robin | weighted_round_robin | least_connections | power_of_two | random | consistent_hash
                backends:
                  - address: 10.0.0.11:8080
                    weight: 1
                  - address: 10.0.0.12:8080
                healthCheck:
                  protocol: http          # http | tcp
                  path: /healthz
                  expectStatus: 200-399
                  interval: 10s
                  timeout: 2s
                  unhealthyThreshold: 3
                  healthyThreshold: 2
                  jitter: 10%
                # outlierDetection: { consecutiveFailures: 5, ejectionTime: 30s }
                # timeouts: { connect: 2s, response: 30s }
                # retries: { attempts: 2 }
              - name: web
                backends:
                  - address: 10.0.0.21:8080
              - name: pg
                backends:
                  - address: 10.0.0.31:5432
            """;

    private static final String MINIMAL = """
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                protocol: http
                routes:
                  - cluster: web
            clusters:
              - name: web
                backends:
                  - address: 127.0.0.1:9000
            """;

    @Test
    void loadsTheDesignExample() throws ConfigException {
        ProxyConfig config = YamlConfigLoader.parse(DESIGN_EXAMPLE, "example.yaml");

        assertThat(config.workers()).isEqualTo(2);
        assertThat(config.listeners()).extracting(l -> l.name()).containsExactly("web", "postgres");
        assertThat(config.listeners().get(0).routes()).containsExactly(
                new RouteConfig("api.example.com", "/api", "api"), RouteConfig.catchAll("web"));
        assertThat(config.listeners().get(1).cluster()).isEqualTo("pg");
        assertThat(config.cluster("api").orElseThrow().backends()).containsExactly(
                new BackendConfig(HostPort.parse("10.0.0.11:8080"), 1),
                new BackendConfig(HostPort.parse("10.0.0.12:8080"), 1));
        assertThat(config.cluster("api").orElseThrow().healthCheck()).isEqualTo(HealthCheckConfig.defaults());
        assertThat(config.cluster("web").orElseThrow().healthCheck()).isNull();
    }

    @Test
    void readsProxyProtocolOnBothSidesWithABareOff() throws ConfigException {
        String yaml = MINIMAL
                .replace("    protocol: http\n", "    protocol: http\n    proxyProtocol: true\n    trustedProxies: [ 10.0.0.0/8 ]\n")
                .replace("  - name: web\n    backends:", "  - name: web\n    proxyProtocol: v2\n    backends:");
        ProxyConfig config = YamlConfigLoader.parse(yaml, "proxy.yaml");
        ProxyConfig off = YamlConfigLoader.parse(yaml.replace("proxyProtocol: v2", "proxyProtocol: off"), "off.yaml");

        assertThat(config.listeners().get(0).proxyProtocol()).isTrue();
        assertThat(config.clusters().get(0).proxyProtocol()).isEqualTo(ProxyProtocolVersion.V2);
        assertThat(off.clusters().get(0).proxyProtocol()).isEqualTo(ProxyProtocolVersion.OFF);
    }

    @Test
    void loadsAFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("maitre.yaml"), MINIMAL);

        assertThat(YamlConfigLoader.load(file)).isEqualTo(YamlConfigLoader.parse(MINIMAL, "maitre.yaml"));
    }

    @Test
    void reportsTheLineOfEachError() {
        String yaml = DESIGN_EXAMPLE
                .replace("workers: 2 ", "workers: 0 ")
                .replace("protocol: http            # http | tcp", "protocol: htp")
                .replace("timeout: 2s", "timeout: 15s");

        assertThat(errors(yaml)).containsExactly(
                new ConfigError("workers", 3, "0 (expected: 1-1024)"),
                new ConfigError("listeners[0].protocol", 8, "htp (expected: http or tcp)"),
                new ConfigError("clusters[0].healthCheck.timeout", 33, "15s (expected: < interval 10s)"));
    }

    @Test
    void reportsEveryErrorOfTheFileAtOnceInLineOrder() {
        String yaml = """
                workers: many
                listeners:
                  - name: web
                    bind: 127.0.0.1:8080
                    protocol: http
                    routes:
                      - cluster: apii
                    bogus: 1
                clusters:
                  - name: api
                    backends: []
                    healthCheck:
                      jitter: 60%
                """;

        assertThat(errors(yaml)).extracting(ConfigError::toString).containsExactly(
                "workers: many (expected: an integer) (line 1)",
                "listeners[0].routes[0].cluster: apii (expected: the name of a cluster: api) (line 7)",
                "listeners[0].bogus: unknown key (expected one of: name, bind, protocol, routes, cluster, relay, "
                        + "tls, timeouts, limits, trustedProxies, headers, upgrades, http2, proxyProtocol) (line 8)",
                "clusters[0].backends: empty (expected: at least one backend) (line 11)",
                "clusters[0].healthCheck.jitter: 60% (expected: 0%-50%) (line 13)");
    }

    @Test
    void reportsAMissingKeyAtTheLineOfItsMapping() {
        String yaml = MINIMAL.replace("    bind: 127.0.0.1:8080\n", "");

        assertThat(errors(yaml)).containsExactly(new ConfigError("listeners[0].bind", 2,
                "missing (expected: an address such as 0.0.0.0:8080)"));
    }

    @Test
    void reportsMalformedYamlWithItsLine() {
        String yaml = """
                listeners:
                  - name: web
                    bind: 127.0.0.1:8080
                     protocol: http
                """;

        assertThat(errors(yaml)).containsExactly(
                new ConfigError("", 4, "bad.yaml: not valid YAML: mapping values are not allowed here"));
    }

    @Test
    void reportsTabIndentationAsMalformedYaml() {
        assertThat(errors("listeners:\n\t- name: web\n")).containsExactly(new ConfigError("", 2,
                "bad.yaml: not valid YAML: found character '\\t(TAB)' that cannot start any token. "
                        + "(Do not use \\t(TAB) for indentation)"));
    }

    @Test
    void reportsAnUnclosedQuoteWithTheLineItOpensOn() {
        assertThat(errors("workers: 2\nshutdownGracePeriod: \"30s\nlisteners: []\n")).containsExactly(
                new ConfigError("", 4, "bad.yaml: not valid YAML: found unexpected end of stream "
                        + "(while scanning a quoted scalar from line 2)"));
    }

    @Test
    void reportsADedentedListAfterAMappingAsMalformedYaml() {
        assertThat(errors("workers: 2\n- web\n")).containsExactly(new ConfigError("", 2,
                "bad.yaml: not valid YAML: expected <block end>, but found '-' "
                        + "(while parsing a block mapping from line 1)"));
    }

    @Test
    void reportsADuplicateKeyAlongsideOtherErrors() {
        String yaml = MINIMAL + "workers: 2\nworkers: 0\n";

        assertThat(errors(yaml)).containsExactly(new ConfigError("workers", 12,
                "duplicate key (expected: each key once in a mapping; workers is first given at line 11)"));
    }

    @Test
    void reportsADuplicateKeyInsideAListElement() {
        String yaml = MINIMAL.replace("    protocol: http\n", "    protocol: http\n    protocol: tcp\n");

        assertThat(errors(yaml)).containsExactly(new ConfigError("listeners[0].protocol", 5,
                "duplicate key (expected: each key once in a mapping; protocol is first given at line 4)"));
    }

    @Test
    void rejectsAnEmptyDocument() {
        assertThat(errors("# nothing here\n")).containsExactly(
                new ConfigError("", 0, "empty document (expected: a mapping with listeners and clusters)"));
    }

    @Test
    void rejectsADocumentThatIsAList() {
        assertThat(errors("- web\n- api\n")).containsExactly(
                new ConfigError("", 0, "a list (expected: a mapping with listeners and clusters)"));
    }

    @Test
    void rejectsASecondDocument() {
        assertThat(errors(MINIMAL + "---\nworkers: 2\n")).containsExactly(
                new ConfigError("", 12, "a second document (expected: one YAML document per file)"));
    }

    @Test
    void resolvesAnchorsAliasesAndMergeKeys() throws ConfigException {
        String yaml = """
                listeners:
                  - name: web
                    bind: 127.0.0.1:8080
                    protocol: http
                    routes:
                      - cluster: a
                      - cluster: b
                clusters:
                  - name: a
                    backends: &backends
                      - address: 127.0.0.1:9000
                    healthCheck: &check
                      interval: 5s
                      timeout: 1s
                  - name: b
                    backends: *backends
                    healthCheck:
                      <<: *check
                      timeout: 500ms
                """;

        ProxyConfig config = YamlConfigLoader.parse(yaml, "anchors.yaml");

        assertThat(config.clusters().get(1).backends()).isEqualTo(config.clusters().get(0).backends());
        assertThat(config.clusters().get(1).healthCheck().interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.clusters().get(1).healthCheck().timeout()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void rejectsAnAliasToNoAnchor() {
        String yaml = MINIMAL.replace("  - name: web\n    backends:", "  - name: web\n    healthCheck: *check\n    backends:");

        assertThat(errors(yaml)).containsExactly(new ConfigError("clusters[0].healthCheck", 9,
                "*check (expected: an alias to a mapping or list anchored above; single values cannot be anchored)"));
    }

    @Test
    void rejectsAnAliasToASingleValue() {
        String yaml = MINIMAL.replace("    protocol: http\n", "    protocol: &p http\n")
                + "  - name: api\n    backends:\n      - address: 127.0.0.1:9001\n        weight: *p\n";

        assertThat(errors(yaml)).containsExactly(new ConfigError("clusters[1].backends[0].weight", 14,
                "*p (expected: an alias to a mapping or list anchored above; single values cannot be anchored)"));
    }

    @Test
    void namesAMissingFile(@TempDir Path dir) {
        Path file = dir.resolve("missing.yaml");

        assertThatThrownBy(() -> YamlConfigLoader.load(file))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors())
                        .containsExactly(new ConfigError("", 0, file + ": no such file")));
    }

    @Test
    void namesADirectoryGivenAsFile(@TempDir Path dir) {
        assertThatThrownBy(() -> YamlConfigLoader.load(dir))
                .hasMessage(dir + ": is a directory (expected: a YAML file)");
    }

    @Test
    void rejectsAFileThatIsNotUtf8(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("latin1.yaml"), new byte[] {'a', ':', ' ', (byte) 0xe9, '\n'});

        assertThatThrownBy(() -> YamlConfigLoader.load(file))
                .hasMessage(file + ": not UTF-8 text (expected: a YAML file in UTF-8)");
    }

    @Test
    void resolvesTlsFilesAgainstTheDirectoryOfTheConfigFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("cert.pem"), "cert");
        Files.writeString(dir.resolve("key.pem"), "key");
        Path file = Files.writeString(dir.resolve("maitre.yaml"), MINIMAL.replace(
                "    protocol: http\n", "    protocol: http\n    tls: { certFile: cert.pem, keyFile: key.pem }\n"));

        assertThat(YamlConfigLoader.load(file).listeners().get(0).tls())
                .isEqualTo(new TlsConfig(dir.resolve("cert.pem"), dir.resolve("key.pem")));
    }

    @Test
    void readsQuotedNumbersAsText() throws ConfigException {
        ProxyConfig config = YamlConfigLoader.parse(MINIMAL.replace("- name: web\n    backends", "- name: \"007\"\n    backends")
                .replace("- cluster: web", "- cluster: \"007\""), "quoted.yaml");

        assertThat(config.clusters().get(0).name()).isEqualTo("007");
    }

    private static List<ConfigError> errors(String yaml) {
        try {
            YamlConfigLoader.parse(yaml, "bad.yaml");
        } catch (ConfigException e) {
            return e.errors();
        }
        throw new AssertionError("expected errors");
    }
}
