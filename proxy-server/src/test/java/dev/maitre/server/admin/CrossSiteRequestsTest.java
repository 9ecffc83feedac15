package dev.maitre.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;

class CrossSiteRequestsTest {

    private static final String HOST = "127.0.0.1:9901";

    private static HttpHeaders headers(String... namesAndValues) {
        HttpHeaders headers = new DefaultHttpHeaders();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return headers;
    }

    @Test
    void readingIsNeverRefused() {
        HttpHeaders evil = headers("Origin", "http://evil.example", "Sec-Fetch-Site", "cross-site");

        assertThat(CrossSiteRequests.refusal(HttpMethod.GET, evil, HOST)).isEmpty();
        assertThat(CrossSiteRequests.refusal(HttpMethod.HEAD, evil, HOST)).isEmpty();
    }

    @Test
    void everyOtherMethodFromAnotherOriginIsRefused() {
        for (HttpMethod method : new HttpMethod[] {HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE,
                HttpMethod.PATCH, HttpMethod.OPTIONS}) {
            assertThat(CrossSiteRequests.refusal(method, headers("Origin", "http://evil.example",
                    "X-Maitre-Admin", "1"), HOST)).as("%s", method).isPresent();
        }
    }

    @Test
    void theOwnOriginIsTheSameSchemeHostAndPort() {
        assertThat(CrossSiteRequests.refusal(HttpMethod.POST,
                headers("Origin", "http://127.0.0.1:9901", "X-Maitre-Admin", "1"), HOST)).isEmpty();
        assertThat(CrossSiteRequests.refusal(HttpMethod.POST,
                headers("Origin", "HTTP://localhost", "X-Maitre-Admin", "1"), "localhost:80")).isEmpty();
        assertThat(CrossSiteRequests.refusal(HttpMethod.POST,
                headers("Origin", "https://127.0.0.1:9901", "X-Maitre-Admin", "1"), HOST)).isPresent();
        assertThat(CrossSiteRequests.refusal(HttpMethod.POST,
                headers("Origin", "http://127.0.0.1:9902", "X-Maitre-Admin", "1"), HOST)).isPresent();
        assertThat(CrossSiteRequests.refusal(HttpMethod.POST,
                headers("Origin", "null", "X-Maitre-Admin", "1"), HOST)).isPresent();
    }

    @Test
    void fetchMetadataOfAnotherSiteIsRefused() {
        assertThat(CrossSiteRequests.refusal(HttpMethod.POST,
                headers("Sec-Fetch-Site", "cross-site", "X-Maitre-Admin", "1"), HOST)).isPresent();
        assertThat(CrossSiteRequests.refusal(HttpMethod.POST,
                headers("Sec-Fetch-Site", "same-site", "X-Maitre-Admin", "1"), HOST)).isPresent();
        assertThat(CrossSiteRequests.refusal(HttpMethod.POST,
                headers("Sec-Fetch-Site", "same-origin", "X-Maitre-Admin", "1"), HOST)).isEmpty();
        assertThat(CrossSiteRequests.refusal(HttpMethod.POST,
                headers("Sec-Fetch-Site", "none", "X-Maitre-Admin", "1"), HOST)).as("typed into the address bar")
                .isEmpty();
    }

    @Test
    void aBrowserMustSendTheAdminHeaderAndOtherClientsNeedNot() {
        assertThat(CrossSiteRequests.refusal(HttpMethod.POST, headers("Sec-Fetch-Mode", "cors"), HOST))
                .hasValueSatisfying(why -> assertThat(why).contains("X-Maitre-Admin"));
        assertThat(CrossSiteRequests.refusal(HttpMethod.POST, headers("Origin", "http://127.0.0.1:9901"), HOST))
                .isPresent();
        assertThat(CrossSiteRequests.refusal(HttpMethod.POST, headers("User-Agent", "curl/8.5.0"), HOST)).isEmpty();
    }
}
