package dev.maitre.server.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.BackendId;
import dev.maitre.api.HostPort;
import dev.maitre.api.health.HealthState;
import dev.maitre.health.BackendHealth;
import dev.maitre.health.ClusterHealth;
import dev.maitre.server.metrics.RequestTotals;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The history sampled by hand at times a test chooses, from totals and health states it sets. */
class TrafficHistoryTest {

    private static final HostPort A = new HostPort("10.0.0.1", 80);
    private static final HostPort B = new HostPort("10.0.0.2", 80);
    private static final long[] BOUNDS = {1_000_000, 2_000_000, 4_000_000};
    private static final long START = 1_700_000_000_000L;

    private long now = START;
    private final Map<BackendId, RequestTotals> totals = new HashMap<>();
    private final Map<String, Long> refused = new HashMap<>();
    private List<ClusterHealth> health = List.of();

    private final RequestTotals.Source source = new RequestTotals.Source() {
        @Override
        public RequestTotals backend(BackendId backend) {
            return totals.get(backend);
        }

        @Override
        public long noBackend(String cluster) {
            return refused.getOrDefault(cluster, 0L);
        }
    };

    private final TrafficHistory history = new TrafficHistory(() -> health, source, () -> now,
            Duration.ofSeconds(5), 4);

    private static BackendHealth backend(HostPort address, HealthState state, boolean ejected) {
        return new BackendHealth(address, 1, state, state == HealthState.HEALTHY, ejected, 0, 0, 0, null);
    }

    private void set(HostPort address, long requests, long errors, long under1ms, long under2ms, long under4ms) {
        totals.put(new BackendId("api", address),
                new RequestTotals(requests, errors, requests, BOUNDS, new long[] {under1ms, under2ms, under4ms}));
    }

    private void sampleAfter(long seconds) {
        now += seconds * 1000;
        history.sample();
    }

    @Test
    void eachSampleAddsTheIntervalsRatesAndPercentilesPerBackendAndCluster() {
        health = List.of(new ClusterHealth("api", true, false, List.of(
                backend(A, HealthState.HEALTHY, false), backend(B, HealthState.HEALTHY, false))));
        set(A, 50, 0, 50, 50, 50);
        set(B, 50, 5, 0, 50, 50);
        sampleAfter(5);
        set(A, 60, 0, 60, 60, 60);
        set(B, 100, 30, 0, 50, 50);
        refused.put("api", 10L);
        sampleAfter(5);

        HistoryView view = history.view();

        assertThat(view.intervalSeconds()).isEqualTo(5);
        assertThat(view.times()).containsExactly(START + 5000, START + 10000);
        HistoryView.ClusterView api = view.clusters().get(0);
        assertThat(api.traffic().requestsPerSecond()).containsExactly(20.0, 14.0);
        assertThat(api.traffic().errorRate()).containsExactly(0.05, 0.5);
        HistoryView.BackendView a = api.backends().get(0);
        HistoryView.BackendView b = api.backends().get(1);
        assertThat(a.address()).isEqualTo("10.0.0.1:80");
        assertThat(a.traffic().requestsPerSecond()).containsExactly(10.0, 2.0);
        assertThat(a.traffic().p50Ms()).containsExactly(0.5, 0.5);
        assertThat(b.traffic().errorRate()).containsExactly(0.1, 0.5);
        // the second interval's 50 requests of B all took more than 4 ms: the last bound
        assertThat(b.traffic().p50Ms()).containsExactly(1.5, 4.0);
    }

    @Test
    void aSeriesKeepsTheLastPointsOnlyAndAnIntervalWithoutRequestsHasNoLatency() {
        health = List.of(new ClusterHealth("api", false, false, List.of(backend(A, HealthState.HEALTHY, false))));
        for (int i = 1; i <= 6; i++) {
            set(A, i * 10L, 0, i * 10L, i * 10L, i * 10L);
            sampleAfter(5);
        }
        sampleAfter(5);

        HistoryView.BackendView a = history.view().clusters().get(0).backends().get(0);

        assertThat(history.view().times()).hasSize(4).last().isEqualTo(START + 35_000);
        assertThat(a.traffic().requestsPerSecond()).containsExactly(2.0, 2.0, 2.0, 0.0);
        assertThat(a.traffic().p99Ms()).hasSize(4).last().isNull();
        assertThat(a.traffic().errorRate()).last().isNull();
    }

    @Test
    void theHealthBandsShowEachRunOfStatesFromTheSampleBefore() {
        List<HealthState> states = List.of(HealthState.HEALTHY, HealthState.HEALTHY, HealthState.UNHEALTHY,
                HealthState.HEALTHY);
        for (int i = 0; i < states.size(); i++) {
            boolean ejected = i == 3;
            health = List.of(new ClusterHealth("api", true, false, List.of(backend(A, states.get(i), ejected))));
            sampleAfter(5);
        }

        List<HistoryView.Band> bands = history.view().clusters().get(0).backends().get(0).health();

        assertThat(bands).containsExactly(
                new HistoryView.Band(START, START + 10_000, "HEALTHY"),
                new HistoryView.Band(START + 10_000, START + 15_000, "UNHEALTHY"),
                new HistoryView.Band(START + 15_000, START + 20_000, "EJECTED"));
    }

    @Test
    void aBackendAReloadRemovesDropsOutAndOneItAddsStartsWithoutEarlierPoints() {
        health = List.of(new ClusterHealth("api", true, false, List.of(backend(A, HealthState.HEALTHY, false))));
        set(A, 10, 0, 10, 10, 10);
        sampleAfter(5);
        health = List.of(new ClusterHealth("api", true, false, List.of(backend(B, HealthState.DRAINING, false))));
        set(B, 5, 0, 5, 5, 5);
        sampleAfter(5);

        HistoryView.ClusterView api = history.view().clusters().get(0);

        assertThat(api.backends()).extracting(HistoryView.BackendView::address).containsExactly("10.0.0.2:80");
        assertThat(api.backends().get(0).traffic().requestsPerSecond()).containsExactly(null, 1.0);
        assertThat(api.backends().get(0).health())
                .containsExactly(new HistoryView.Band(START + 5000, START + 10_000, "DRAINING"));
        assertThat(api.traffic().requestsPerSecond()).containsExactly(2.0, 1.0);
    }

    @Test
    void aClusterAReloadRemovesDropsOut() {
        health = List.of(new ClusterHealth("api", true, false, List.of(backend(A, HealthState.HEALTHY, false))),
                new ClusterHealth("old", true, false, List.of()));
        sampleAfter(5);
        List<ClusterHealth> next = new ArrayList<>(health);
        next.remove(1);
        health = next;
        sampleAfter(5);

        assertThat(history.view().clusters()).extracting(HistoryView.ClusterView::name).containsExactly("api");
    }
}
