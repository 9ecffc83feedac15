package dev.maitre.engine.pool;

import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.config.ProxyProtocolVersion;
import dev.maitre.engine.proxyprotocol.ClientAddresses;
import dev.maitre.engine.proxyprotocol.ProxyHeader;
import dev.maitre.engine.proxyprotocol.ProxyHeaderWriter;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Ticker;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.Objects;

/**
 * The idle keep-alive connections to one backend, owned by one event loop. Every method runs on
 * that loop, so there is no locking. Connections are reused most-recently-released first, so that
 * surplus ones age out; one that the backend closed is never handed out. Idle time is read from the
 * loop's ticker.
 *
 * <p>To a backend spoken to in HTTP/2 the pool keeps connections that carry many exchanges at once
 * ({@link Http2Session}): what it hands out is a stream opened on one of them with room for another,
 * and a new connection is opened only when none has room. While one is being opened, the exchanges
 * that find no room wait for it (as many as the backend's connections are known to take, 100 at
 * most) instead of each opening its own, and streams go out on it only once the backend's SETTINGS
 * said how many it takes. A connection with no stream open for the idle timeout is closed, as an
 * idle HTTP/1.1 one is.
 *
 * <p>To a cluster with {@code proxyProtocol}, each connection opens with a PROXY header naming the
 * client connection whose request opened it, and serves requests of that client connection only (as
 * HAProxy keeps a connection that sent a PROXY header private to its client): every method that hands
 * out a connection or a stream is told which client it is for.
 */
public final class BackendPool {

    /** The bound on a backend's HTTP/2 SETTINGS when the bootstrap has no connect timeout. */
    private static final long DEFAULT_CONNECT_TIMEOUT_MILLIS = 2000;

    private final Endpoint endpoint;
    private final BackendConnector connector;
    private final Bootstrap bootstrap;
    private final BackendTls tls;
    private final int maxIdle;
    private final long idleTimeoutNanos;
    private final Ticker ticker;
    private final ProxyProtocolVersion proxyProtocol;
    private final ArrayDeque<Channel> idle = new ArrayDeque<>();
    /** The HTTP/2 connections, for a backend spoken to in HTTP/2; null otherwise. */
    private final ArrayList<Channel> sessions;
    private boolean draining;
    /**
     * How many streams a new HTTP/2 connection is expected to allow, so how many exchanges may wait for
     * one being opened: maitre's own limit until a connection learnt the backend's.
     */
    private int expectedStreams = Http2Session.MAX_STREAMS;

    BackendPool(Endpoint endpoint, BackendConnector connector, Bootstrap bootstrap, BackendTls tls, int maxIdle,
                long idleTimeoutNanos, Ticker ticker, boolean http2) {
        this(endpoint, connector, bootstrap, tls, maxIdle, idleTimeoutNanos, ticker, http2, ProxyProtocolVersion.OFF);
    }

    BackendPool(Endpoint endpoint, BackendConnector connector, Bootstrap bootstrap, BackendTls tls, int maxIdle,
                long idleTimeoutNanos, Ticker ticker, boolean http2, ProxyProtocolVersion proxyProtocol) {
        this.endpoint = endpoint;
        this.connector = connector;
        this.bootstrap = bootstrap;
        this.tls = tls;
        this.maxIdle = maxIdle;
        this.idleTimeoutNanos = idleTimeoutNanos;
        this.ticker = ticker;
        this.sessions = http2 ? new ArrayList<>(2) : null;
        this.proxyProtocol = proxyProtocol;
    }

    /** Whether this pool's connections open with a PROXY header, so are each for one client connection. */
    public boolean sendsProxyHeader() {
        return proxyProtocol.sends();
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /**
     * An idle connection, still open and holding no stray bytes, or {@code null} when there is none;
     * to an HTTP/2 backend, a new stream on a connection with room for it.
     */
    public Channel pollIdle() {
        return pollIdle(null);
    }

    /** {@link #pollIdle()} for a request of {@code client} (which matters when {@link #sendsProxyHeader()}). */
    public Channel pollIdle(ClientAddresses client) {
        if (sessions != null) {
            return draining ? null : openStream(client);
        }
        if (proxyProtocol.sends()) {
            return pollIdleOf(client);
        }
        Channel channel;
        while ((channel = idle.pollFirst()) != null) {
            if (takeIdle(channel)) {
                return channel;
            }
        }
        return null;
    }

    /** An idle connection whose PROXY header named {@code client}; the others stay for their clients. */
    private Channel pollIdleOf(ClientAddresses client) {
        for (Iterator<Channel> it = idle.iterator(); it.hasNext(); ) {
            Channel channel = it.next();
            if (serves(channel, client)) {
                it.remove();
                if (takeIdle(channel)) {
                    return channel;
                }
            }
        }
        return null;
    }

    /** Takes {@code channel} out of idleness if it can serve, closes it otherwise. */
    private static boolean takeIdle(Channel channel) {
        if (channel.isActive() && BackendCodec.of(channel).atResponseBoundary()) {
            BackendConnection.of(channel).leaveIdle();
            return true;
        }
        channel.close();
        return false;
    }

    /** Whether {@code connection} may carry a request of {@code client}. */
    private boolean serves(Channel connection, ClientAddresses client) {
        return !proxyProtocol.sends() || Objects.equals(ProxyHeaderWriter.carried(connection), client);
    }

    /**
     * Opens a new connection, over TLS when the cluster has it; the future completes on this pool's
     * event loop, after the handshake. To an HTTP/2 backend it completes once the backend's
     * {@code SETTINGS} arrived (so that how many streams it allows is known before any is opened), and
     * it may be the future of a connection being opened already, that has room for another stream.
     */
    public ChannelFuture connect() {
        return connect(null);
    }

    /** {@link #connect()} for a request of {@code client}, whom its PROXY header names when the pool sends one. */
    public ChannelFuture connect(ClientAddresses client) {
        ProxyHeader header = proxyProtocol.sends() ? new ProxyHeader(proxyProtocol, client) : null;
        if (sessions == null) {
            return connector.connect(bootstrap, endpoint, tls, header);
        }
        for (int i = 0; i < sessions.size(); i++) {
            Http2Session connecting = Http2Session.of(sessions.get(i));
            if (connecting != null && serves(sessions.get(i), client) && connecting.await(expectedStreams)) {
                return connecting.ready();
            }
        }
        ChannelFuture connect = connector.connect(bootstrap, endpoint, tls, header);
        Channel connection = connect.channel();
        sessions.add(connection);
        connection.closeFuture().addListener(closed -> sessions.remove(connection));
        Http2Session session = Http2Session.of(connection);
        session.await(expectedStreams);
        ChannelPromise ready = session.ready();
        connect.addListener(connected -> {
            if (!connected.isSuccess()) {
                ready.tryFailure(connected.cause());
                return;
            }
            SslHandler handshake = connection.pipeline().get(SslHandler.class);
            if (handshake != null && !ApplicationProtocolNames.HTTP_2.equals(handshake.applicationProtocol())) {
                String chosen = handshake.applicationProtocol();
                ready.tryFailure(new IOException("TLS handshake with " + endpoint.address() + " did not choose h2 by ALPN ("
                        + (chosen == null ? "no protocol chosen" : "chose " + chosen)
                        + "): the backend does not speak HTTP/2 over TLS"));
                connection.close();
                return;
            }
            // The connect timeout bounded the connection and its handshake; it bounds the SETTINGS too.
            session.start(connectTimeoutMillis());
        });
        ready.addListener(settled -> {
            if (settled.isSuccess()) {
                expectedStreams = session.maxStreams();
            }
        });
        return ready;
    }

    private long connectTimeoutMillis() {
        Object timeout = bootstrap.config().options().get(ChannelOption.CONNECT_TIMEOUT_MILLIS);
        return timeout instanceof Integer millis ? millis : DEFAULT_CONNECT_TIMEOUT_MILLIS;
    }

    /**
     * What an exchange attaches to once {@code connected}, a connection {@link #connect} opened, is
     * ready: the connection itself, or to an HTTP/2 backend a stream opened on it; {@code null} when
     * the backend allows no stream more on it (others waiting for it took them).
     */
    public Channel attachable(Channel connected) {
        if (sessions == null) {
            return connected;
        }
        Http2Session session = Http2Session.of(connected);
        return session != null && session.hasRoom() ? session.openStream() : null;
    }

    private Channel openStream(ClientAddresses client) {
        for (int i = 0; i < sessions.size(); i++) {
            Http2Session session = Http2Session.of(sessions.get(i));
            if (session != null && serves(sessions.get(i), client) && session.hasRoom()) {
                Channel stream = session.openStream();
                if (stream != null) {
                    return stream;
                }
            }
        }
        return null;
    }

    /**
     * Takes back a connection after a clean exchange. It is kept if it is open, holds no bytes beyond
     * the response, and there is room; closed otherwise.
     */
    public void release(Channel channel) {
        if (sessions != null) {
            // A stream is over once its answer is; its connection stays with the pool.
            if (channel instanceof Http2StreamChannel) {
                channel.close();
            }
            return;
        }
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
        if (sessions != null) {
            for (int i = sessions.size() - 1; i >= 0; i--) {
                Http2Session session = Http2Session.of(sessions.get(i));
                if (session == null) {
                    continue;
                }
                // One still being opened is not idle: exchanges wait for it (its connect timeout bounds that).
                if (session.openStreams() == 0 && session.ready().isDone()
                        && now - session.idleSinceNanos() >= idleTimeoutNanos) {
                    sessions.get(i).close();
                } else {
                    session.checkAlive(now);
                }
            }
            return;
        }
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

    /** Closes every idle connection (to an HTTP/2 backend: each with no stream open, and the others once they have none). */
    void closeIdle() {
        if (sessions != null) {
            for (int i = sessions.size() - 1; i >= 0; i--) {
                Http2Session session = Http2Session.of(sessions.get(i));
                if (session != null) {
                    session.closeWhenIdle();
                }
            }
            return;
        }
        Channel channel;
        while ((channel = idle.pollFirst()) != null) {
            channel.close();
        }
    }

    public int idleCount() {
        if (sessions != null) {
            int idleSessions = 0;
            for (int i = 0; i < sessions.size(); i++) {
                Http2Session session = Http2Session.of(sessions.get(i));
                idleSessions += session != null && session.openStreams() == 0 ? 1 : 0;
            }
            return idleSessions;
        }
        return idle.size();
    }
}
