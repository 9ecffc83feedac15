package dev.maitre.engine.http;

import io.netty.channel.Channel;

/**
 * The flow control of one exchange, both ways: the client is asked for more of the request only
 * while the backend connection takes it, and the backend connection is read only while the client
 * connection takes the answer. What the proxy holds for an exchange is therefore bounded by the
 * write-buffer high-water mark plus one read per direction. Remembers which side a stalled
 * direction waits on, so the exchange's timer knows whose timeout applies.
 */
final class ExchangeFlow {

    private final UpstreamAttempt attempt;
    private final ExchangeTimer timer;
    private ClientSide client;

    private boolean waitingForBackendWritable;
    private boolean waitingForClientWritable;

    ExchangeFlow(UpstreamAttempt attempt, ExchangeTimer timer) {
        this.attempt = attempt;
        this.timer = timer;
    }

    /** For an exchange of {@code client} (null: the exchange is kept for another), nothing waiting. */
    void begin(ClientSide client) {
        this.client = client;
        waitingForBackendWritable = false;
        waitingForClientWritable = false;
    }

    /** Asks the client for more of the request body, or waits until the backend connection takes more. */
    void requestBody() {
        Channel backend = attempt.channel();
        if (backend != null && !backend.isWritable()) {
            waitingForBackendWritable = true;
        } else {
            client.requestRead();
        }
    }

    void backendWritabilityChanged() {
        Channel backend = attempt.channel();
        if (backend != null && backend.isWritable() && waitingForBackendWritable) {
            waitingForBackendWritable = false;
            timer.progress();
            client.requestRead();
        }
    }

    /** A backend read ended: what it gave goes out, and the next read follows once the client takes it. */
    void backendReadComplete() {
        client.flush();
        Channel backend = attempt.channel();
        if (backend == null) {
            return;
        }
        if (client.isWritable()) {
            backend.read();
        } else {
            waitingForClientWritable = true;
        }
    }

    void clientWritabilityChanged() {
        Channel backend = attempt.channel();
        if (backend != null && client.isWritable() && waitingForClientWritable) {
            waitingForClientWritable = false;
            timer.progress();
            backend.read();
        }
    }

    /** Whether the answer waits for the client to take what was written. */
    boolean waitingForClient() {
        return waitingForClientWritable;
    }

    /**
     * Whether the exchange now waits on the client: to take the answer, or to send more of a request
     * body ({@code bodyComplete} false) that the backend connection would take.
     */
    boolean waitingOnClient(boolean bodyComplete) {
        return waitingForClientWritable || (!bodyComplete && !waitingForBackendWritable);
    }
}
