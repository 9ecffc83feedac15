package dev.maitre.server.health;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Clients sending GETs through maitre one after another until stopped: each client alternates a
 * request on its keep-alive connection with one on a new connection. Records every request that did
 * not get a 200, as a client would see it.
 */
final class RequestLoop implements AutoCloseable {

    /** An upper bound on the requests of one client, so that a loop ends even if never stopped. */
    private static final int MAX_REQUESTS_PER_CLIENT = 100_000;

    private final ExecutorService clients;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger sent = new AtomicInteger();
    private final List<String> failures = new CopyOnWriteArrayList<>();

    private RequestLoop(RunningMaitre maitre, int clientCount, Duration maxRunTime) {
        clients = Executors.newFixedThreadPool(clientCount);
        long deadline = System.nanoTime() + maxRunTime.toNanos();
        for (int c = 0; c < clientCount; c++) {
            clients.execute(() -> {
                for (int i = 0; i < MAX_REQUESTS_PER_CLIENT && running.get() && System.nanoTime() < deadline; i++) {
                    try {
                        if (i % 2 == 0) {
                            HttpResponse<String> response = maitre.get("/");
                            if (response.statusCode() != 200) {
                                failures.add("keep-alive: " + response.statusCode() + " " + response.body().strip());
                            }
                        } else {
                            String statusLine = maitre.getOnNewConnection("/");
                            if (!statusLine.equals("HTTP/1.1 200 OK")) {
                                failures.add("new connection: " + statusLine);
                            }
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    } finally {
                        sent.incrementAndGet();
                    }
                }
            });
        }
    }

    /** Starts {@code clientCount} clients that stop by themselves after {@code maxRunTime}. */
    static RequestLoop start(RunningMaitre maitre, int clientCount, Duration maxRunTime) {
        return new RequestLoop(maitre, clientCount, maxRunTime);
    }

    int sent() {
        return sent.get();
    }

    /** Stops the clients and waits for their last requests to be answered; returns the failures. */
    List<String> stop() throws InterruptedException {
        running.set(false);
        clients.shutdown();
        if (!clients.awaitTermination(30, TimeUnit.SECONDS)) {
            throw new AssertionError("request loop still running 30 s after it was stopped");
        }
        return List.copyOf(failures);
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        clients.shutdownNow();
        clients.awaitTermination(10, TimeUnit.SECONDS);
    }
}
