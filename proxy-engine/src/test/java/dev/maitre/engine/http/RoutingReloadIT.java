package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.config.RouteConfig;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.RawClient;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class RoutingReloadIT {

    private static final String GET = "GET / HTTP/1.1\r\nHost: t\r\n\r\n";

    @Test
    void theNextRequestOnAnOpenConnectionFollowsTheReloadedRoutes() throws Exception {
        try (RawBackend first = RawBackend.answering("first");
             RawBackend second = RawBackend.answering("second");
             ProxyFixture proxy = ProxyFixture.builder(first.address()).cluster("other", second.address()).start();
             RawClient client = proxy.client()) {
            assertThat(client.send(GET).response().bodyText()).isEqualTo("first");

            proxy.engine().reload(ProxyFixture.builder(first.address()).cluster("other", second.address())
                    .routes(List.of(RouteConfig.catchAll("other"))).config());

            assertThat(client.send(GET).response().bodyText()).isEqualTo("second");
            try (RawClient fresh = proxy.client()) {
                assertThat(fresh.send(GET).response().bodyText()).isEqualTo("second");
            }
        }
    }

    @Test
    void aRouteGoneFromTheConfigurationNoLongerMatches() throws Exception {
        try (RawBackend first = RawBackend.answering("first");
             ProxyFixture proxy = ProxyFixture.builder(first.address())
                     .routes(List.of(new RouteConfig(null, "/old", "app"), RouteConfig.catchAll("app"))).start()) {
            proxy.engine().reload(ProxyFixture.builder(first.address())
                    .routes(List.of(new RouteConfig(null, "/new", "app"))).config());

            try (RawClient client = proxy.client()) {
                assertThat(client.send("GET /old HTTP/1.1\r\nHost: t\r\n\r\n").response().status()).isEqualTo(404);
            }
            try (RawClient client = proxy.client()) {
                assertThat(client.send("GET /new HTTP/1.1\r\nHost: t\r\n\r\n").response().bodyText())
                        .isEqualTo("first");
            }
        }
    }
}
