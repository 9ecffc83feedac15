package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.config.RouteConfig;
import dev.maitre.testing.HttpMessage;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.RawClient;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which cluster a path reaches and what its backend receives: prefixes match whole segments, dot
 * segments are resolved before matching and the backend gets the resolved path, and a path that
 * other servers could read as leaving its prefix (through {@code ;} or an encoded slash) is refused.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RoutingPathIT {

    private RawBackend api;
    private RawBackend web;
    private ProxyFixture proxy;

    @BeforeEach
    void start() throws Exception {
        api = RawBackend.eachRequest((request, connection) -> connection.respond("api " + request.target()));
        web = RawBackend.eachRequest((request, connection) -> connection.respond("web " + request.target()));
        proxy = ProxyFixture.builder(web.address())
                .cluster("api", api.address())
                .routes(List.of(new RouteConfig(null, "/api", "api"), RouteConfig.catchAll(ProxyFixture.CLUSTER)))
                .start();
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        api.close();
        web.close();
    }

    @ParameterizedTest(name = "{0} reaches {1}")
    @CsvSource(delimiter = '|', value = {
        "/api                      | api /api",
        "/api/                     | api /api/",
        "/api/x                    | api /api/x",
        "/api?q=1                  | api /api?q=1",
        "/apiary                   | web /apiary",
        "/api-docs/x               | web /api-docs/x",
        "/api.json                 | web /api.json",
        "/api%2Fx                  | web /api%2Fx",
        "/api/a%2Fb                | api /api/a%2Fb",
        "/api/file.tar.gz?v=1.2    | api /api/file.tar.gz?v=1.2",
        "/api/%25                  | api /api/%25",
        "/api/%252e%252e/x         | api /api/%252e%252e/x",
        "/api/..../x               | api /api/..../x",
        "/api/../secret            | web /secret",
        "/api/%2e%2e/secret?a=../b | web /secret?a=../b",
        "/api/.%2E/secret          | web /secret",
        "/web/../api/x             | api /api/x",
        "/x/./api//y               | web /x/api/y",
        "//api/x                   | api /api/x",
        "/api/./x/../y             | api /api/y",
        "/api/x/..                 | api /api/",
        "/..                       | web /",
    })
    void theRouteMatchesTheNormalizedPathWhichIsWhatTheBackendReceives(String target, String seen)
            throws Exception {
        try (RawClient client = proxy.client()) {
            HttpMessage response = client.send("GET " + target + " HTTP/1.1\r\nHost: t\r\n\r\n").response();
            assertThat(response.status()).as(target).isEqualTo(200);
            assertThat(response.bodyText()).as(target).isEqualTo(seen);
        }
    }

    @ParameterizedTest(name = "{0} is refused")
    @ValueSource(strings = {
        "/api/..%2fsecret", "/api/..%2Fsecret", "/api/%2e%2e%2fsecret", "/api/x%2f..%2f..%2fsecret",
        "/api/..%5csecret", "/api/..;/secret", "/api/..;x=1/secret", "/api/.;/x", "/api/%2e%2e;/secret",
        "/api/..%3b/secret",
    })
    void aPathThatAnotherServerCouldReadAsLeavingItsPrefixIsRefused(String target) throws Exception {
        try (RawClient client = proxy.client()) {
            HttpMessage response = client.send("GET " + target + " HTTP/1.1\r\nHost: t\r\n\r\n").response();
            assertThat(response.status()).as(target).isEqualTo(400);
            assertThat(response.bodyText())
                    .isEqualTo("400 Bad Request: path with a dot segment hidden by ';' or an encoded slash\n");
            assertThat(response.header("Connection")).isEqualToIgnoringCase("close");
        }
        assertThat(api.requests()).isEmpty();
        assertThat(web.requests()).isEmpty();
    }

    @Test
    void aPrefixEndingInASlashMatchesWhatStartsWithIt() throws Exception {
        try (RawBackend docs = RawBackend.answering("docs");
             ProxyFixture slashProxy = ProxyFixture.builder(web.address())
                     .cluster("docs", docs.address())
                     .routes(List.of(new RouteConfig(null, "/docs/", "docs"), RouteConfig.catchAll(ProxyFixture.CLUSTER)))
                     .start();
             RawClient client = slashProxy.client()) {
            assertThat(client.get("/docs/").bodyText()).isEqualTo("docs");
            assertThat(client.get("/docs/intro").bodyText()).isEqualTo("docs");
            assertThat(client.get("/docs").bodyText()).isEqualTo("web /docs");
        }
    }
}
