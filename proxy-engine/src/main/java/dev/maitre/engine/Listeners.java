package dev.maitre.engine;

import dev.maitre.api.Causes;
import dev.maitre.api.config.ListenerConfig;
import dev.maitre.api.config.ListenerHttp2;
import dev.maitre.api.config.Protocol;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.api.config.RelayMode;
import dev.maitre.engine.access.AccessLog;
import dev.maitre.engine.http.HttpListenerContext;
import dev.maitre.engine.http.HttpListenerInitializer;
import dev.maitre.engine.http.RoutingTable;
import dev.maitre.engine.http.Tunnels;
import dev.maitre.engine.listener.ListenerContext;
import dev.maitre.engine.proxyprotocol.ProxyHeaderCounts;
import dev.maitre.engine.tcp.TcpListenerContext;
import dev.maitre.engine.tcp.TcpListenerInitializer;
import dev.maitre.engine.tls.HandshakeCounts;
import dev.maitre.engine.tls.ServedCertificate;
import dev.maitre.engine.tls.ServerTls;
import dev.maitre.engine.tls.TicketKeys;
import dev.maitre.engine.transport.Transport;
import dev.maitre.engine.upstream.ClusterRuntime;
import dev.maitre.engine.upstream.Upstream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners of an engine: binds them, and on a reload does what nginx and HAProxy do — binds a
 * listener that is new in the file, stops accepting on one that is gone (its connections end after
 * their current exchange), and gives the others their new settings for new connections. A listener
 * whose address or protocol changed is gone and new at once. A listener accepts on one socket or,
 * on epoll, on one per worker loop (see {@link Acceptors}); binding, closing and draining always
 * take all of them. Called by one thread at a time (the engine's start and its synchronized reload
 * and shutdown).
 */
final class Listeners {

    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

    private final Transport transport;
    private final Acceptors acceptors;
    private final Upstream upstream;
    private final ChannelGroup clientChannels;
    private final Tunnels tunnels;
    private final AccessLog accessLog;
    /** Changed by one thread at a time (start, reload, shutdown), read by the admin and metrics threads too. */
    private final Map<String, Bound> bound = new ConcurrentHashMap<>();
    private final TicketKeys ticketKeys = new TicketKeys();

    /** A listener and the sockets it accepts on, all bound to the same address. */
    private record Bound(ListenerContext context, List<Channel> sockets) {

        InetSocketAddress address() {
            return (InetSocketAddress) sockets.get(0).localAddress();
        }
    }

    Listeners(Transport transport, Acceptors acceptors, Upstream upstream, ChannelGroup clientChannels,
              Tunnels tunnels, AccessLog accessLog) {
        this.transport = transport;
        this.acceptors = acceptors;
        this.upstream = upstream;
        this.clientChannels = clientChannels;
        this.tunnels = tunnels;
        this.accessLog = accessLog;
    }

    /** Binds every listener of {@code config}; on a failure the ones bound so far stay for the caller to close. */
    void bindAll(ProxyConfig config, Map<String, ClusterRuntime> clusters) {
        for (ListenerConfig listener : config.listeners()) {
            ListenerContext context = newContext(listener, tls(listener, null), clusters, config);
            bound.put(listener.name(), new Bound(context, bind(context)));
        }
    }

    /**
     * Applies {@code config}'s listeners. Everything that can fail (certificates, clusters, binding)
     * happens before anything running changes; on a failure what was bound is closed again and the
     * listeners stay as they were.
     *
     * @return the listeners whose TLS files changed though their settings did not, one line each
     * @throws IllegalArgumentException naming the listener and the reason
     */
    List<String> reload(ProxyConfig config, Map<String, ClusterRuntime> clusters) {
        List<String> filesChanged = new ArrayList<>();
        Map<String, Bound> gone = new LinkedHashMap<>(bound);
        List<Runnable> reconfigure = new ArrayList<>();
        List<ListenerContext> fresh = new ArrayList<>();
        for (ListenerConfig next : config.listeners()) {
            Bound current = gone.get(next.name());
            boolean same = current != null && current.context.config().bind().equals(next.bind())
                    && current.context.config().protocol() == next.protocol();
            ServerTls tls = tls(next, same ? current.context.tls() : null);
            if (same && tls != null && tls != current.context.tls()
                    && tls.config().equals(current.context.tls().config())) {
                filesChanged.add("listener " + next.name() + ": TLS files re-read (new contents; for new connections)");
            }
            if (same) {
                gone.remove(next.name());
                reconfigure.add(reconfiguration(current.context, next, tls, clusters, config));
            } else {
                fresh.add(newContext(next, tls, clusters, config));
            }
        }
        // A listener that is gone frees its address first, for a new one that binds the same.
        List<Bound> retiredFirst = gone.values().stream()
                .filter(old -> old.context.config().bind().port() != 0
                        && fresh.stream().anyMatch(f -> f.config().bind().equals(old.context.config().bind())))
                .toList();
        retiredFirst.forEach(old -> Acceptors.close(old.sockets));
        Map<String, Bound> added = new LinkedHashMap<>();
        try {
            for (ListenerContext context : fresh) {
                added.put(context.name(), new Bound(context, bind(context)));
            }
        } catch (RuntimeException e) {
            added.values().forEach(b -> Acceptors.close(b.sockets));
            for (Bound old : retiredFirst) {
                bound.put(old.context.name(), new Bound(old.context, bind(old.context)));
            }
            throw e;
        }
        reconfigure.forEach(Runnable::run);
        for (Bound old : gone.values()) {
            bound.remove(old.context.name());
            retire(old);
        }
        bound.putAll(added);
        added.values().forEach(b -> LOG.info("listener {} ({}) bound to {}", b.context.name(),
                b.context.config().protocol().name().toLowerCase(), b.address()));
        return filesChanged;
    }

    private Runnable reconfiguration(ListenerContext context, ListenerConfig next, ServerTls tls,
                                     Map<String, ClusterRuntime> clusters, ProxyConfig config) {
        if (context instanceof HttpListenerContext http) {
            RoutingTable table = RoutingTable.of(next, clusters, accessLog(config));
            return () -> {
                logTlsChange(context, tls);
                http.reconfigure(next, tls, table);
            };
        }
        TcpListenerContext tcp = (TcpListenerContext) context;
        ClusterRuntime cluster = cluster(next, clusters);
        return () -> {
            logTlsChange(context, tls);
            tcp.reconfigure(next, tls, cluster);
        };
    }

    private ListenerContext newContext(ListenerConfig listener, ServerTls ssl, Map<String, ClusterRuntime> clusters,
                                       ProxyConfig config) {
        if (listener.protocol() == Protocol.TCP) {
            if (listener.relay() == RelayMode.SPLICE
                    && TcpListenerContext.relayMode(listener, transport) != RelayMode.SPLICE) {
                LOG.warn("listener {}: relay splice needs the native epoll transport and no tls (transport here: {}); "
                        + "relaying buffered", listener.name(), transport.displayName());
            }
            return new TcpListenerContext(listener, ssl, cluster(listener, clusters), upstream, transport,
                    clientChannels);
        }
        return new HttpListenerContext(listener, ssl, RoutingTable.of(listener, clusters, accessLog(config)),
                upstream, clientChannels, tunnels);
    }

    /** Where {@code config}'s requests are recorded: nowhere when its access log is off. */
    private AccessLog accessLog(ProxyConfig config) {
        return config.accessLog().enabled() ? accessLog : null;
    }

    private static ClusterRuntime cluster(ListenerConfig listener, Map<String, ClusterRuntime> clusters) {
        ClusterRuntime cluster = clusters.get(listener.cluster());
        if (cluster == null) {
            throw new IllegalArgumentException("listener " + listener.name() + ": cluster " + listener.cluster()
                    + " is not configured");
        }
        return cluster;
    }

    /** The sockets of {@code context}'s listener, bound; on a failure none stays open. */
    private List<Channel> bind(ListenerContext context) {
        ListenerConfig listener = context.config();
        ChannelInitializer<Channel> initializer = context instanceof HttpListenerContext http
                ? new HttpListenerInitializer(http) : new TcpListenerInitializer((TcpListenerContext) context);
        InetSocketAddress address = new InetSocketAddress(listener.bind().host(), listener.bind().port());
        try {
            List<Channel> sockets = acceptors.bind(address, initializer);
            LOG.debug("listener {} ({}) bound to {} on {} sockets", listener.name(),
                    listener.protocol().name().toLowerCase(), sockets.get(0).localAddress(), sockets.size());
            if (context.tls() != null) {
                LOG.info("listener {}: TLS on {}, {} certificate(s)", listener.name(), context.tls().providerName(),
                        context.tls().certificates().size());
            }
            return sockets;
        } catch (Exception e) {
            throw new IllegalArgumentException("listener " + listener.name() + ": cannot bind " + listener.bind()
                    + ": " + Causes.rootMessage(e), e);
        }
    }

    /** Stops accepting on {@code old}; its connections end after their current exchange. */
    private void retire(Bound old) {
        Acceptors.close(old.sockets);
        drain(old);
        LOG.info("listener {} ({}) closed: it is gone from the configuration", old.context.name(),
                old.context.config().bind());
    }

    /** Stops accepting on every listener and asks each connection to end after its current exchange. */
    void closeAll() {
        Acceptors.close(bound.values().stream().flatMap(listener -> listener.sockets.stream()).toList());
        bound.values().forEach(this::drain);
    }

    /** Once {@code listener}'s sockets are closed: asks the connections any of them accepted to end. */
    private void drain(Bound listener) {
        listener.context.startDraining();
        for (Channel channel : clientChannels) {
            if (listener.sockets.contains(channel.parent())) {
                channel.eventLoop().execute(() -> listener.context.drain(channel));
            }
        }
    }

    /** The address listener {@code name} is bound to (useful when configured with port 0). */
    InetSocketAddress address(String name) {
        Bound listener = bound.get(name);
        if (listener == null) {
            throw new IllegalArgumentException("listener: " + name + " (expected one of " + bound.keySet() + ")");
        }
        return listener.address();
    }

    /** Exchanges of listener {@code name} ended because their client made no progress; 0 for a tcp listener. */
    long clientTimeouts(String name) {
        return context(name) instanceof HttpListenerContext http ? http.clientTimeouts() : 0;
    }

    /** Client connections of listener {@code name} open now. */
    int connections(String name) {
        return context(name).connections();
    }

    /** The TLS handshakes of listener {@code name}'s clients. */
    HandshakeCounts handshakes(String name) {
        return context(name).handshakes();
    }

    /** The PROXY headers of listener {@code name}'s connections. */
    ProxyHeaderCounts proxyHeaders(String name) {
        return context(name).proxyHeaders();
    }

    /** The certificates listener {@code name} serves new connections now; none for clear text. */
    List<ServedCertificate> certificates(String name) {
        ServerTls tls = context(name).tls();
        return tls == null ? List.of() : tls.certificates();
    }

    private ListenerContext context(String name) {
        Bound listener = bound.get(name);
        if (listener == null) {
            throw new IllegalArgumentException("listener: " + name + " (expected one of " + bound.keySet() + ")");
        }
        return listener.context;
    }

    /** The cluster runtimes the listeners use now, by cluster name. */
    Map<String, ClusterRuntime> clustersInUse() {
        Map<String, ClusterRuntime> clusters = new LinkedHashMap<>();
        for (Bound listener : bound.values()) {
            if (listener.context instanceof HttpListenerContext http) {
                clusters.putAll(http.table().clusters());
            } else {
                TcpListenerContext tcp = (TcpListenerContext) listener.context;
                clusters.put(tcp.cluster().name(), tcp.cluster());
            }
        }
        return clusters;
    }

    /**
     * The TLS of {@code listener}: {@code current} when neither its settings nor its files changed,
     * built anew otherwise; {@code null} for clear text.
     */
    private ServerTls tls(ListenerConfig listener, ServerTls current) {
        if (listener.tls() == null) {
            return null;
        }
        try {
            ListenerHttp2 http2 = listener.http2();
            return current != null ? current.reloaded(listener.tls(), listener.protocol(), http2, ticketKeys)
                    : ServerTls.build(listener.tls(), listener.protocol(), http2, ticketKeys);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("listener " + listener.name() + ": tls: " + e.getMessage(), e);
        }
    }

    private static void logTlsChange(ListenerContext context, ServerTls next) {
        if (next != null && next != context.tls()) {
            LOG.info("listener {}: TLS reloaded on {}, {} certificate(s); new handshakes use it", context.name(),
                    next.providerName(), next.certificates().size());
        }
    }

    /** The keys of every listener's TLS session tickets, for the engine to rotate. */
    TicketKeys ticketKeys() {
        return ticketKeys;
    }
}
