package dev.maitre.engine.http;

import dev.maitre.api.balance.Endpoint;
import dev.maitre.engine.pool.BackendConnection;
import dev.maitre.engine.pool.BackendPool;
import dev.maitre.engine.pool.StreamNotProcessed;
import dev.maitre.engine.proxyprotocol.ClientAddresses;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;

/**
 * The backend connection of an exchange's current try: borrowed from the pool of the picked backend
 * on the client's event loop, or opened there, then attached so that what the backend says reaches
 * the exchange, and finally given back to the pool or closed. One per exchange, reused by each try
 * and, with its exchange, by later requests.
 */
final class UpstreamAttempt implements BackendConnection.Listener {

    private final ProxyExchange exchange;
    private BackendPool pool;
    private Channel channel;
    private ChannelFuture connecting;
    /** The client the try's connection is for, when the pool opens each with its PROXY header; else null. */
    private ClientAddresses proxied;
    /** Whether this try already opened another connection because the one it waited for had no stream left. */
    private boolean connectedForRoom;

    UpstreamAttempt(ProxyExchange exchange) {
        this.exchange = exchange;
    }

    /**
     * Starts a try on {@code pool}'s backend: attaches an idle pooled connection at once, or opens a
     * new one (the exchange hears {@code onConnected} or {@code onConnectFailed}). To a pool that sends
     * a PROXY header, the connection is one of {@code client}'s.
     */
    void start(BackendPool backendPool, ClientSide client) {
        pool = backendPool;
        proxied = pool.sendsProxyHeader() ? client.addresses() : null;
        connectedForRoom = false;
        Channel idle = pool.pollIdle(proxied);
        if (idle != null) {
            attach(idle);
            exchange.onAttached();
        } else {
            connectFresh();
        }
    }

    /** Opens a new connection to the current backend (a pooled one failed before answering). */
    void connectFresh() {
        BackendPool target = pool;
        ChannelFuture connect = target.connect(proxied);
        connecting = connect;
        connect.addListener(f -> onConnect(connect, target));
    }

    private void onConnect(ChannelFuture connect, BackendPool target) {
        if (connect != connecting) {
            // Given up on meanwhile (the exchange ended, and may serve another request by now): a
            // good connection still serves others of its backend.
            if (connect.isSuccess()) {
                target.release(connect.channel());
            }
            return;
        }
        connecting = null;
        if (!connect.isSuccess()) {
            exchange.onConnectFailed(connect.cause());
            return;
        }
        Channel backend = target.attachable(connect.channel());
        if (backend == null) {
            if (!connectedForRoom && connect.channel().isActive()) {
                // The backend allows fewer streams than waited for this connection: another one has room.
                connectedForRoom = true;
                connectFresh();
                return;
            }
            exchange.onConnectFailed(new StreamNotProcessed("the backend allows no HTTP/2 stream on a new connection"));
            return;
        }
        attach(backend);
        exchange.onAttached();
    }

    private void attach(Channel backend) {
        channel = backend;
        BackendConnection.of(backend).attach(this);
    }

    Endpoint endpoint() {
        return pool.endpoint();
    }

    /** The attached connection, or {@code null} between tries. */
    Channel channel() {
        return channel;
    }

    boolean attached() {
        return channel != null;
    }

    /** Whether no connection is attached or awaited: nothing of the backend side can reach the exchange. */
    boolean idle() {
        return channel == null && connecting == null;
    }

    /** Whether this connection served an exchange before (so the backend may have closed it meanwhile). */
    boolean reused() {
        BackendConnection connection = channel == null ? null : BackendConnection.of(channel);
        return connection != null && connection.isReused();
    }

    /** Whether the answer ended at a clean message boundary, so the connection could serve again. */
    boolean atResponseBoundary() {
        BackendConnection connection = BackendConnection.of(channel);
        return connection != null && connection.atResponseBoundary();
    }

    /** Gives the connection back to its pool when {@code reusable}, closes it otherwise. */
    void finish(boolean reusable) {
        Channel backend = detach();
        if (backend == null) {
            return;
        }
        if (reusable) {
            pool.release(backend);
        } else {
            backend.close();
        }
    }

    /** Gives the attached connection away (to a tunnel): detached, and neither pooled nor closed here. */
    Channel handOver() {
        return detach();
    }

    /** Gives up the try: a connection being opened is not waited for, an attached one is closed. */
    void abandon() {
        connecting = null;
        finish(false);
    }

    private Channel detach() {
        Channel backend = channel;
        if (backend != null) {
            BackendConnection connection = BackendConnection.of(backend);
            if (connection != null) {
                connection.detach();
            }
            channel = null;
        }
        return backend;
    }

    @Override
    public void onBackendRead(Object msg) {
        exchange.onBackendRead(msg);
    }

    @Override
    public void onBackendReadComplete() {
        exchange.onBackendReadComplete();
    }

    @Override
    public void onBackendInactive() {
        exchange.onBackendFailed(null);
    }

    @Override
    public void onBackendException(Throwable cause) {
        exchange.onBackendFailed(cause);
    }

    @Override
    public void onBackendWritabilityChanged() {
        exchange.onBackendWritabilityChanged();
    }
}
