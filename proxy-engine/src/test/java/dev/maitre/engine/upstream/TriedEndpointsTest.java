package dev.maitre.engine.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.BackendId;
import dev.maitre.api.HostPort;
import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.config.RetryConfig;
import org.junit.jupiter.api.Test;

class TriedEndpointsTest {

    private static Endpoint endpoint(int i) {
        return new Endpoint(new BackendId("app", new HostPort("10.0.0." + i, 8080)), 1);
    }

    @Test
    void theMostRetriesTheConfigurationAcceptsAreAllTaken() {
        TriedEndpoints tried = new TriedEndpoints(RetryConfig.MAX_ATTEMPTS);
        tried.add(endpoint(0));
        for (int i = 1; i <= RetryConfig.MAX_ATTEMPTS; i++) {
            assertThat(tried.takeRetry()).as("retry %d", i).isTrue();
            tried.add(endpoint(i));
        }
        assertThat(tried.takeRetry()).isFalse();
        for (int i = 0; i <= RetryConfig.MAX_ATTEMPTS; i++) {
            assertThat(tried.contains(endpoint(i))).isTrue();
        }
        assertThat(tried.contains(endpoint(99))).isFalse();
    }

    @Test
    void noRetriesMeansOneBackend() {
        TriedEndpoints tried = new TriedEndpoints(0);
        assertThat(tried.isEmpty()).isTrue();
        tried.add(endpoint(0));
        assertThat(tried.takeRetry()).isFalse();
    }
}
