package dev.maitre.engine.listener;

import dev.maitre.api.config.ListenerConfig;
import dev.maitre.engine.proxyprotocol.ProxyHeaderCounts;
import dev.maitre.engine.proxyprotocol.ProxyHeaderReader;
import dev.maitre.engine.tls.HandshakeCounts;
import dev.maitre.engine.tls.ServerTls;
import dev.maitre.engine.upstream.Upstream;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * What every connection of one listener shares, whatever its protocol: the listener's configuration
 * and TLS context (both replaced whole by a reload), the engine's upstream side, the connection count
 * that enforces {@code limits.maxConnections}, the counts of its clients' TLS handshakes and PROXY
 * headers (kept across reloads), and the draining flag of a shutdown.
 *
 * <p>A reload gives new connections the new configuration and TLS context. Open connections keep the
 * pipeline they were built with (decoder limits, TLS session); timeouts are read when they are armed,
 * so a changed timeout applies to an open connection from its next request.
 */
public abstract class ListenerContext {

    private volatile ListenerConfig config;
    private volatile ServerTls tls;
    private final Upstream upstream;
    private final ChannelGroup clientChannels;
    private final AtomicInteger connections = new AtomicInteger();
    private final HandshakeCounts handshakes = new HandshakeCounts();
    private final ProxyHeaderCounts proxyHeaders = new ProxyHeaderCounts();
    private volatile boolean draining;

    protected ListenerContext(ListenerConfig config, ServerTls tls, Upstream upstream, ChannelGroup clientChannels) {
        this.config = config;
        this.tls = tls;
        this.upstream = upstream;
        this.clientChannels = clientChannels;
    }

    public final ListenerConfig config() {
        return config;
    }

    public final String name() {
        return config.name();
    }

    /** The TLS for new connections; {@code null} for clear text. */
    public final ServerTls tls() {
        return tls;
    }

    /** The TLS handshakes of this listener's clients, over its whole life. */
    public final HandshakeCounts handshakes() {
        return handshakes;
    }

    /** The PROXY headers of this listener's connections, over its whole life. */
    public final ProxyHeaderCounts proxyHeaders() {
        return proxyHeaders;
    }

    /**
     * Builds the pipeline of {@code ch}, a connection just admitted, with {@code pipeline}: at once, or
     * with {@code proxyProtocol} once its PROXY header is read ({@link ProxyHeaderReader}).
     * {@code countOut} runs when the connection closes before that.
     */
    public final void buildPipeline(Channel ch, Consumer<Channel> pipeline, Runnable countOut) {
        ListenerConfig current = config;
        if (current.proxyProtocol()) {
            ProxyHeaderReader.expect(ch, current.trustedProxies(), current.timeouts().requestHeader(), proxyHeaders,
                    pipeline, countOut);
        } else {
            pipeline.accept(ch);
        }
    }

    public final Upstream upstream() {
        return upstream;
    }

    /**
     * New connections use {@code next} and {@code nextTls}. The caller keeps the listener's name,
     * address and protocol: a listener that changes those is a new listener.
     */
    protected void reconfigure(ListenerConfig next, ServerTls nextTls) {
        if (!next.name().equals(config.name()) || next.protocol() != config.protocol()
                || !next.bind().equals(config.bind())) {
            throw new IllegalArgumentException("listener " + config.name() + " (" + config.bind() + ", "
                    + config.protocol() + ") cannot become " + next.name() + " (" + next.bind() + ", "
                    + next.protocol() + ")");
        }
        this.tls = nextTls;
        this.config = next;
    }

    /**
     * Admits a connection just accepted: counts it and adds it to the engine's client connections, or
     * closes it at once when the listener is full or draining. A connection admitted must be counted
     * out with {@link #connectionClosed()} when it closes.
     *
     * <p>Called on whichever worker loop took the connection; the count is one for all of them. It is
     * raised before the check, so two loops admitting at once may refuse a connection that would just
     * have fit, and never admit one too many.
     */
    public final boolean admit(Channel ch) {
        if (connections.incrementAndGet() > config.limits().maxConnections() || draining) {
            connections.decrementAndGet();
            ch.close();
            return false;
        }
        clientChannels.add(ch);
        return true;
    }

    /** An admitted connection closed. */
    public final void connectionClosed() {
        connections.decrementAndGet();
    }

    /** Connections of this listener open now. */
    public final int connections() {
        return connections.get();
    }

    public final boolean draining() {
        return draining;
    }

    /** From now on new connections are refused and every HTTP response closes its connection. */
    public final void startDraining() {
        draining = true;
    }

    /** Asks {@code ch}, a connection of this listener, to end: now if idle, after its current work otherwise. */
    public abstract void drain(Channel ch);
}
