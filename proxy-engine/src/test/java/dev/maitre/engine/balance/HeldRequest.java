package dev.maitre.engine.balance;

import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.HttpMessage;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.RawClient;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A slow backend that holds every request until released, and a way to get one request held by it
 * through the proxy, whichever backend the balancer would pick first.
 */
final class HeldRequest {

    private HeldRequest() {
    }

    static RawBackend holding(CountDownLatch release) throws IOException {
        return RawBackend.eachRequest((request, connection) -> {
            release.await(10, TimeUnit.SECONDS);
            connection.respond("slow");
        });
    }

    /**
     * Sends requests on fresh connections until one is held by {@code slow}; returns the client
     * waiting for its answer.
     */
    static RawClient sendUntilHeld(ProxyFixture proxy, RawBackend slow) throws Exception {
        for (int attempt = 0; attempt < 50; attempt++) {
            RawClient client = proxy.client();
            client.send("GET /first HTTP/1.1\r\nHost: test.local\r\n\r\n");
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
            while (slow.requests().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            if (!slow.requests().isEmpty()) {
                return client;
            }
            client.response();
            client.close();
        }
        throw new AssertionError("no request reached the slow backend in 50 attempts");
    }
}
