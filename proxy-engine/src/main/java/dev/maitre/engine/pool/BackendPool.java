package dev.maitre.engine.pool;

import dev.maitre.api.balance.Endpoint;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.concurrent.Ticker;
import java.util.ArrayDeque;

/**
 * The idle keep-alive connections to one backend, owned by one event loop. Every method runs on
 * that loop, so there is no locking. Connections are reused most-recently-released first, so that
 * surplus ones age out; one that the backend closed is never handed out. Idle time is read from the
 * loop's ticker.
 */
public final class BackendPool {

    private final Endpoint endpoint;
    private final BackendConnector connector;
    private final Bootstrap bootstrap;
    private final BackendTls tls;
    private final int maxIdle;
    private final long idleTimeoutNanos;
    private final Ticker ticker;
    private final ArrayDeque<Channel> idle = new ArrayDeque<>();
    private boolean draining;

    BackendPool(Endpoint endpoint, BackendConnector connector, Bootstrap bootstrap, BackendTls tls, int maxIdle,
                long idleTimeoutNanos, Ticker ticker) {
        this.endpoint = endpoint;
        this.connector = connector;
        this.bootstrap = bootstrap;
        this.tls = tls;
        this.maxIdle = maxIdle;
        this.idleTimeoutNanos = idleTimeoutNanos;
        this.ticker = ticker;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /** An idle connection, still open and holding no stray bytes, or {@code null} when there is none. */
    public Channel pollIdle() {
        Channel channel;
        while ((channel = idle.pollFirst()) != null) {
            if (channel.isActive() && BackendCodec.of(channel).atResponseBoundary()) {
                BackendConnection.of(channel).leaveIdle();
                return channel;
            }
            channel.close();
        }
        return null;
    }

    /**
     * Opens a new connection, over TLS when the cluster has it; the future completes on this pool's
     * event loop, after the handshake.
     */
    public ChannelFuture connect() {
        return connector.connect(bootstrap, endpoint, tls);
    }

    /**
     * Takes back a connection after a clean exchange. It is kept if it is open, holds no bytes beyond
     * the response, and there is room; closed otherwise.
     */
    public void release(Channel channel) {
        if (!channel.isActive() || maxIdle == 0 || draining || !BackendCodec.of(channel).atResponseBoundary()) {
            channel.close();
            return;
        }
        if (idle.size() >= maxIdle) {
            idle.pollLast().close();
        }
        BackendConnection.of(channel).enterIdle(this, ticker.nanoTime());
        idle.addFirst(channel);
    }

    /** Forgets {@code channel} (closed by the backend while idle). */
    void remove(Channel channel) {
        idle.removeFirstOccurrence(channel);
    }

    /** Closes connections idle for longer than the idle timeout; they sit at the tail. */
    void closeExpired() {
        long now = ticker.nanoTime();
        Channel oldest;
        while ((oldest = idle.peekLast()) != null) {
            BackendConnection connection = BackendConnection.of(oldest);
            if (connection != null && now - connection.idleSinceNanos() < idleTimeoutNanos) {
                return;
            }
            idle.pollLast().close();
        }
    }

    /** Closes every idle connection and keeps none from now on. */
    void closeAll() {
        draining = true;
        closeIdle();
    }

    /** Closes every idle connection. */
    void closeIdle() {
        Channel channel;
        while ((channel = idle.pollFirst()) != null) {
            channel.close();
        }
    }

    public int idleCount() {
        return idle.size();
    }
}
