package dev.maitre.engine.balance;

import dev.maitre.api.HostPort;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.HttpMessage;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.RawClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Backends named a, b, c... that answer with their name, for the balancer integration tests. */
final class Backends implements AutoCloseable {

    final List<RawBackend> all = new ArrayList<>();

    static Backends named(int count) throws IOException {
        Backends backends = new Backends();
        for (int i = 0; i < count; i++) {
            backends.all.add(RawBackend.answering(String.valueOf((char) ('a' + i))));
        }
        return backends;
    }

    HostPort[] addresses() {
        return all.stream().map(RawBackend::address).toArray(HostPort[]::new);
    }

    HostPort address(int index) {
        return all.get(index).address();
    }

    /** The names of the backends that answered {@code count} GETs of {@code path} over one connection. */
    static String answers(ProxyFixture proxy, int count, String path, String... headers) throws IOException {
        StringBuilder names = new StringBuilder();
        try (RawClient client = proxy.client()) {
            for (int i = 0; i < count; i++) {
                names.append(answer(client, path, headers));
            }
        }
        return names.toString();
    }

    static String answer(RawClient client, String path, String... headers) throws IOException {
        StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: test.local\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        HttpMessage response = client.send(request.append("\r\n").toString()).response();
        if (response.status() != 200) {
            throw new IOException("status " + response.status());
        }
        return response.bodyText();
    }

    @Override
    public void close() throws IOException {
        for (RawBackend backend : all) {
            backend.close();
        }
    }
}
