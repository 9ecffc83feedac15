package dev.maitre.engine.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.config.RouteConfig;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouterTest {

    private static final Router ROUTER = new Router(List.of(
            new RouteConfig(null, "/api", "api"),
            new RouteConfig(null, "/docs/", "docs"),
            new RouteConfig(null, "/%7Euser", "home"),
            new RouteConfig(null, "/files%2fall", "files"),
            new RouteConfig("static.example", "/", "static"),
            RouteConfig.catchAll("web")));

    @ParameterizedTest(name = "{0} goes to {1}")
    @CsvSource({
        "/api, api",
        "/api/, api",
        "/api/x, api",
        "/api/x/y, api",
        "/apiary, web",
        "/api-v2, web",
        "/api.json, web",
        "/api%2Fx, web",
        "/API, web",
        "/ap, web",
        "/docs/, docs",
        "/docs/intro, docs",
        "/docs, web",
        "/docsx, web",
        "/~user, home",
        "/~user/x, home",
        "/~username, web",
        "/files%2Fall/x, files",
        "/files/all, web",
        "/, web",
        "*, web",
    })
    void prefixesMatchWholeSegments(String path, String cluster) {
        assertThat(ROUTER.route("any.example", path)).isEqualTo(cluster);
    }

    @ParameterizedTest(name = "{0} on static.example goes to {1}")
    @CsvSource({
        "/api/x, api",
        "/x, static",
        "/, static",
    })
    void aSlashPrefixMatchesEveryPathOfItsHost(String path, String cluster) {
        assertThat(ROUTER.route("static.example", path)).isEqualTo(cluster);
    }
}
