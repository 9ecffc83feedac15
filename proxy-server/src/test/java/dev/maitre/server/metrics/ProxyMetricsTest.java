package dev.maitre.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.BackendId;
import dev.maitre.api.HostPort;
import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.config.AccessLogConfig;
import dev.maitre.api.config.AdminConfig;
import dev.maitre.api.config.BackendConfig;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.ListenerConfig;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.api.config.RouteConfig;
import dev.maitre.api.health.Outcome;
import dev.maitre.engine.http.Tunnels;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProxyMetricsTest {

    private static final HostPort A = new HostPort("10.0.0.1", 80);
    private static final Endpoint ENDPOINT = new Endpoint(new BackendId("api", A), 1);

    private final ProxyMetrics metrics = new ProxyMetrics(new ProxyConfig(AdminConfig.defaults(), 1,
            Duration.ofSeconds(1), AccessLogConfig.defaults(),
            List.of(ListenerConfig.http("web", new HostPort("127.0.0.1", 0), List.of(RouteConfig.catchAll("api")))),
            List.of(ClusterConfig.of("api", List.of(BackendConfig.of(A))))));

    private static String series(String outcome) {
        return "maitre_backend_requests_total{backend=\"10.0.0.1:80\",cluster=\"api\",outcome=\"" + outcome + "\"} ";
    }

    @Test
    void eachOutcomeCountsUnderItsStatusClassOrFailure() {
        metrics.onOutcome(new Outcome("api", ENDPOINT, Outcome.Kind.RESPONSE, 204, 1_000_000));
        metrics.onOutcome(new Outcome("api", ENDPOINT, Outcome.Kind.RESPONSE, 404, 1_000_000));
        metrics.onOutcome(new Outcome("api", ENDPOINT, Outcome.Kind.RESPONSE, 502, 1_000_000));
        metrics.onOutcome(new Outcome("api", ENDPOINT, Outcome.Kind.CONNECT_FAILURE, 0, 1_000_000));
        metrics.onOutcome(new Outcome("api", ENDPOINT, Outcome.Kind.RESET, 0, 1_000_000));
        metrics.onOutcome(new Outcome("api", ENDPOINT, Outcome.Kind.TIMEOUT, 0, 1_000_000));
        metrics.onOutcome(new Outcome("api", null, Outcome.Kind.NO_BACKEND, 503, 1_000));

        String text = metrics.scrape();

        assertThat(text).contains(series("2xx") + "1", series("4xx") + "1", series("5xx") + "1",
                series("connect_failure") + "1", series("reset") + "1", series("timeout") + "1",
                series("3xx") + "0", "maitre_cluster_no_backend_total{cluster=\"api\"} 1",
                "maitre_backend_request_seconds_count{backend=\"10.0.0.1:80\",cluster=\"api\"} 6");
    }

    @Test
    void clientTimeoutsAreReadFromTheEnginePerHttpListener() {
        ProxyConfig config = new ProxyConfig(AdminConfig.defaults(), 1, Duration.ofSeconds(1),
                AccessLogConfig.defaults(),
                List.of(ListenerConfig.http("web", new HostPort("127.0.0.1", 0), List.of(RouteConfig.catchAll("api")))),
                List.of(ClusterConfig.of("api", List.of(BackendConfig.of(A)))));
        long[] web = {3};
        // A capturing function, as the engine's method reference is, referenced by nothing but the
        // metrics: Micrometer holds a function counter's object weakly, and the count must survive
        // a collection.
        metrics.bindClientTimeouts(config, listener -> listener.equals("web") ? web[0] : 0);
        System.gc();

        assertThat(metrics.scrape()).contains("maitre_client_timeouts_total{listener=\"web\"} 3.0");
    }

    @Test
    void clientTimeoutsFollowTheListenersOfEachConfiguration() {
        ProxyConfig first = listeners("web");
        metrics.bindClientTimeouts(first, listener -> {
            if (!listener.equals("web") && !listener.equals("api")) {
                throw new IllegalArgumentException("listener: " + listener);
            }
            return listener.equals("web") ? 3 : 5;
        });

        metrics.follow(listeners("api"));

        assertThat(metrics.scrape()).contains("maitre_client_timeouts_total{listener=\"api\"} 5.0")
                .doesNotContain("listener=\"web\"");
    }

    private static ProxyConfig listeners(String name) {
        return new ProxyConfig(AdminConfig.defaults(), 1, Duration.ofSeconds(1), AccessLogConfig.defaults(),
                List.of(ListenerConfig.http(name, new HostPort("127.0.0.1", 0), List.of(RouteConfig.catchAll("api")))),
                List.of(ClusterConfig.of("api", List.of(BackendConfig.of(A)))));
    }

    @Test
    void tunnelMetersFollowTheListenersAndBackendsOfEachConfiguration() {
        HostPort b = new HostPort("10.0.0.2", 80);
        ListenerConfig web = ListenerConfig.http("web", new HostPort("127.0.0.1", 0), List.of(RouteConfig.catchAll("api")));
        ListenerConfig internal = ListenerConfig.http("internal", new HostPort("127.0.0.1", 0),
                List.of(RouteConfig.catchAll("api")));
        metrics.bindTunnels(config(List.of(web), List.of(A)), new Tunnels());

        assertThat(metrics.scrape()).contains("maitre_open_tunnels{listener=\"web\"} 0",
                "maitre_tunnels_closed_total{listener=\"web\",reason=\"shutdown\"} 0",
                "maitre_backend_open_tunnels{backend=\"10.0.0.1:80\",cluster=\"api\"} 0",
                "maitre_backend_tunnel_bytes_total{backend=\"10.0.0.1:80\",cluster=\"api\",direction=\"backend_to_client\"} 0");

        metrics.follow(config(List.of(internal), List.of(b)));

        assertThat(metrics.scrape()).contains("maitre_open_tunnels{listener=\"internal\"} 0",
                        "maitre_backend_open_tunnels{backend=\"10.0.0.2:80\",cluster=\"api\"} 0")
                .doesNotContain("listener=\"web\"").doesNotContain("10.0.0.1:80");
    }

    private static ProxyConfig config(List<ListenerConfig> listeners, List<HostPort> backends) {
        return new ProxyConfig(AdminConfig.defaults(), 1, Duration.ofSeconds(1), AccessLogConfig.defaults(), listeners,
                List.of(ClusterConfig.of("api", backends.stream().map(BackendConfig::of).toList())));
    }

    @Test
    void outcomesOfUnknownClustersOrBackendsAreIgnored() {
        metrics.onOutcome(new Outcome("other", new Endpoint(new BackendId("other", A), 1),
                Outcome.Kind.RESPONSE, 200, 1));
        metrics.onOutcome(new Outcome("other", null, Outcome.Kind.NO_BACKEND, 503, 1));

        assertThat(metrics.scrape()).contains(series("2xx") + "0").doesNotContain("cluster=\"other\"");
    }

    @Test
    void theTotalsOfABackendCountItsRequestsErrorsAndLatencyBuckets() {
        metrics.onOutcome(new Outcome("api", ENDPOINT, Outcome.Kind.RESPONSE, 200, 500_000));
        metrics.onOutcome(new Outcome("api", ENDPOINT, Outcome.Kind.RESPONSE, 404, 3_000_000));
        metrics.onOutcome(new Outcome("api", ENDPOINT, Outcome.Kind.RESPONSE, 503, 3_000_000));
        metrics.onOutcome(new Outcome("api", ENDPOINT, Outcome.Kind.CONNECT_FAILURE, 0, 3_000_000));
        metrics.onOutcome(new Outcome("api", null, Outcome.Kind.NO_BACKEND, 503, 1_000));

        RequestTotals totals = metrics.backend(ENDPOINT.id());

        assertThat(totals.requests()).isEqualTo(4);
        assertThat(totals.errors()).as("the 503 and the connect failure").isEqualTo(2);
        assertThat(totals.latencyCount()).isEqualTo(4);
        assertThat(totals.bucketBoundsNanos()).startsWith(100_000L).isSorted();
        int underOneMs = java.util.Arrays.binarySearch(totals.bucketBoundsNanos(), 1_048_576L);
        int underFourMs = java.util.Arrays.binarySearch(totals.bucketBoundsNanos(), 4_194_304L);
        assertThat(totals.cumulativeBuckets()[underOneMs]).isEqualTo(1);
        assertThat(totals.cumulativeBuckets()[underFourMs]).isEqualTo(4);
        assertThat(metrics.noBackend("api")).isEqualTo(1);
        assertThat(metrics.backend(new BackendId("api", new HostPort("10.0.0.9", 80)))).isNull();
    }
}
