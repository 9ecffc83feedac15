package dev.maitre.engine;

import dev.maitre.api.config.ProxyConfig;
import dev.maitre.api.health.HealthView;
import dev.maitre.api.health.OutcomeListener;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The running data plane: event loops, listeners and backend pools for one configuration.
 */
public final class ProxyEngine implements AutoCloseable {

    /**
     * Binds every listener of {@code config} and starts serving.
     *
     * @throws EngineStartException when a listener cannot be bound (the message names it and the address)
     */
    public static ProxyEngine start(ProxyConfig config, HealthView health, OutcomeListener outcomes)
            throws EngineStartException {
        throw new UnsupportedOperationException("not yet written");
    }

    /** The address listener {@code name} is bound to (useful when configured with port 0). */
    public InetSocketAddress address(String listenerName) {
        throw new UnsupportedOperationException("not yet written");
    }

    /** {@code epoll} or {@code nio}. */
    public String transportName() {
        throw new UnsupportedOperationException("not yet written");
    }

    /**
     * Stops accepting, lets in-flight requests finish for up to {@code gracePeriod}, then closes
     * everything. Completes when all event loops have stopped.
     */
    public CompletableFuture<Void> shutdown(Duration gracePeriod) {
        throw new UnsupportedOperationException("not yet written");
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO).join();
    }
}
