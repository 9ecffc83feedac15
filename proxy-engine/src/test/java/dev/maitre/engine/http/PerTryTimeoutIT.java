package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.health.Outcome;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.HttpMessage;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.RawClient;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code retries.perTryTimeout}: a request that may be sent again, whose try gets no answer head in
 * time (a black-holed backend: connected, silent), goes to another backend, so the client gets an
 * answer instead of a 504 after the whole response timeout.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PerTryTimeoutIT {

    private static final Duration PER_TRY = Duration.ofMillis(300);
    private static final Duration RESPONSE = Duration.ofSeconds(3);

    /** Released at the end, so the silent backend's threads end with the test. */
    private final CountDownLatch released = new CountDownLatch(1);
    private final AtomicInteger silentlyTaken = new AtomicInteger();

    @AfterEach
    void release() {
        released.countDown();
    }

    /** Takes each request and never answers it, as a backend behind a black hole. */
    private RawBackend silent() throws Exception {
        return RawBackend.start(connection -> {
            connection.readRequest();
            silentlyTaken.incrementAndGet();
            released.await(20, TimeUnit.SECONDS);
        });
    }

    @Test
    void aGetWhoseTryIsSilentIsAnsweredByAnotherBackend() throws Exception {
        try (RawBackend silent = silent();
             RawBackend alive = RawBackend.answering("alive");
             ProxyFixture proxy = ProxyFixture.builder(silent.address(), alive.address()).workers(1)
                     .clusterTimeouts(Duration.ofSeconds(1), RESPONSE).perTryTimeout(PER_TRY).start()) {
            for (int i = 0; i < 4; i++) {
                try (RawClient client = proxy.client()) {
                    long start = System.nanoTime();
                    HttpMessage response = client.get("/r" + i);
                    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

                    assertThat(response.status()).as("request %d", i).isEqualTo(200);
                    assertThat(response.bodyText()).isEqualTo("alive");
                    assertThat(tookMillis).as("well before the response timeout").isLessThan(RESPONSE.toMillis());
                }
            }
            assertThat(silentlyTaken).as("round robin sent half the first tries to the silent one").hasPositiveValue();
            assertThat(proxy.outcomes()).anyMatch(o -> o.kind() == Outcome.Kind.TIMEOUT
                    && o.endpoint().address().equals(silent.address()));
        }
    }

    @Test
    void aPostIsNotSentAgainAndWaitsForTheResponseTimeout() throws Exception {
        try (RawBackend silent = silent();
             RawBackend alive = RawBackend.answering("alive");
             ProxyFixture proxy = ProxyFixture.builder(silent.address(), alive.address()).workers(1)
                     .clusterTimeouts(Duration.ofSeconds(1), RESPONSE).perTryTimeout(PER_TRY).start()) {
            int gatewayTimeouts = 0;
            for (int i = 0; i < 2; i++) {
                try (RawClient client = proxy.client()) {
                    HttpMessage response = client.send(
                            "POST /p HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi").response();
                    if (response.status() == 504) {
                        gatewayTimeouts++;
                    } else {
                        assertThat(response.bodyText()).isEqualTo("alive");
                    }
                }
            }
            assertThat(gatewayTimeouts).as("the POST that met the silent backend").isEqualTo(1);
            assertThat(silentlyTaken).hasValue(1);
            assertThat(alive.requests()).hasSize(1);
        }
    }

    @Test
    void withoutAPerTryTimeoutASilentTryEndsIn504() throws Exception {
        try (RawBackend silent = silent();
             ProxyFixture proxy = ProxyFixture.builder(silent.address()).workers(1)
                     .clusterTimeouts(Duration.ofSeconds(1), Duration.ofMillis(500)).start();
             RawClient client = proxy.client()) {
            assertThat(client.get("/r").status()).isEqualTo(504);
        }
    }
}
