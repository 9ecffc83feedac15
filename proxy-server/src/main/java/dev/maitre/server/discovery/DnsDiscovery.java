package dev.maitre.server.discovery;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.BackendConfig;
import dev.maitre.api.config.DiscoveryConfig;
import dev.maitre.api.config.DnsDiscoveryConfig;
import dev.maitre.server.check.DurationText;
import dev.maitre.server.metrics.DiscoveryMetrics;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.NoopAuthoritativeDnsServerCache;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.NoopDnsCnameCache;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one cluster's DNS records: looks them up, then again when their TTL has passed (clamped into
 * [minRefresh, maxRefresh]), and reports the backends they name whenever they change. A failed or
 * empty answer keeps the last good backends; it is logged when the condition changes, not at every
 * attempt, and retried after minRefresh, doubling up to maxRefresh. Everything runs on the discovery
 * event loop.
 */
final class DnsDiscovery {

    private static final Logger log = LoggerFactory.getLogger(DnsDiscovery.class);
    private static final long QUERY_TIMEOUT_MILLIS = 2_000;

    private final String cluster;
    private final DiscoveryConfig discovery;
    private final DnsDiscoveryConfig config;
    private final EventLoop loop;
    private final DiscoveryMetrics metrics;
    private final Consumer<DnsDiscovery> onChange;
    private final CompletableFuture<Void> firstAnswer = new CompletableFuture<>();
    private DnsNameResolver resolver;
    private DnsAnswer.Result condition;
    private Duration retry;
    private ScheduledFuture<?> next;
    private boolean closed;
    /** The backends of the last good answer; {@code null} until there is one. */
    private volatile List<BackendConfig> backends;

    /** @param onChange told, on the event loop, when {@link #backends()} changed */
    DnsDiscovery(String cluster, DiscoveryConfig discovery, EventLoop loop, DiscoveryMetrics metrics,
                 Consumer<DnsDiscovery> onChange) {
        this.cluster = cluster;
        this.discovery = discovery;
        this.config = discovery.dns();
        this.loop = loop;
        this.metrics = metrics;
        this.onChange = onChange;
    }

    String cluster() {
        return cluster;
    }

    /** The configuration it follows. */
    DiscoveryConfig discovery() {
        return discovery;
    }

    /** The backends of the last good answer; {@code null} until there is one. */
    List<BackendConfig> backends() {
        return backends;
    }

    /** Completes when the first lookup has ended, whatever it found. */
    CompletableFuture<Void> firstAnswer() {
        return firstAnswer;
    }

    void start() {
        loop.execute(this::lookup);
    }

    void close() {
        loop.execute(() -> {
            closed = true;
            if (next != null) {
                next.cancel(false);
            }
            if (resolver != null) {
                resolver.close();
            }
            firstAnswer.complete(null);
        });
    }

    private DnsNameResolver newResolver() {
        DnsNameResolverBuilder builder = new DnsNameResolverBuilder(loop)
                .datagramChannelType(NioDatagramChannel.class)
                // an answer too long for UDP (many backends) is asked again over TCP
                .socketChannelType(NioSocketChannel.class)
                // every lookup must ask the server: the TTLs are what this class follows
                .resolveCache(NoopDnsCache.INSTANCE)
                .cnameCache(NoopDnsCnameCache.INSTANCE)
                .authoritativeDnsServerCache(NoopAuthoritativeDnsServerCache.INSTANCE)
                .queryTimeoutMillis(Math.min(QUERY_TIMEOUT_MILLIS, config.maxRefresh().toMillis()))
                .recursionDesired(true);
        if (!config.resolvers().isEmpty()) {
            builder.nameServerProvider(new SequentialDnsServerAddressStreamProvider(config.resolvers().stream()
                    .map(DnsDiscovery::socketAddress).toArray(InetSocketAddress[]::new)));
        }
        return builder.build();
    }

    private void lookup() {
        if (closed) {
            return;
        }
        if (resolver == null) {
            try {
                resolver = newResolver();
            } catch (RuntimeException e) {
                // such as a system DNS setup that cannot be read: tried again at the next lookup
                answered(DnsAnswer.failed("no resolver: " + e));
                return;
            }
        }
        new DnsLookup(resolver, config).run().whenComplete((answer, e) -> loop.execute(() -> answered(answer)));
    }

    private void answered(DnsAnswer answer) {
        if (closed) {
            return;
        }
        metrics.resolved(cluster, answer.result().label());
        Duration wait;
        if (answer.result() == DnsAnswer.Result.OK) {
            if (condition != null && condition != DnsAnswer.Result.OK) {
                log.info("cluster {}: DNS {} names backends again", cluster, config.describe());
            }
            retry = null;
            wait = config.refreshAfter(answer.ttl());
            if (!answer.backends().equals(backends)) {
                log.info("cluster {}: DNS {} names {} (TTL {}s)", cluster, config.describe(),
                        describe(answer.backends()), answer.ttl().toSeconds());
                backends = answer.backends();
                metrics.discovered(cluster, backends.size());
                onChange.accept(this);
            }
        } else {
            retry = retry == null ? config.minRefresh() : min(retry.multipliedBy(2), config.maxRefresh());
            wait = retry;
            if (condition != answer.result()) {
                log.warn("cluster {}: DNS {} {}: {}; {} (retrying from {} on)", cluster, config.describe(),
                        answer.result() == DnsAnswer.Result.EMPTY ? "names no backend" : "lookup failed",
                        answer.problem(), backends == null ? "no backend found yet" : "keeping the last "
                                + backends.size() + " backend(s)", DurationText.of(wait));
            }
        }
        condition = answer.result();
        firstAnswer.complete(null);
        next = loop.schedule(this::lookup, wait.toNanos(), TimeUnit.NANOSECONDS);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String describe(List<BackendConfig> backends) {
        return backends.stream().map(b -> b.weight() == 1 ? b.address().toString()
                : b.address() + " (weight " + b.weight() + ")").collect(Collectors.joining(", "));
    }

    private static InetSocketAddress socketAddress(HostPort server) {
        // an IP literal (the binder allows no other), so this is never a lookup
        return new InetSocketAddress(server.host(), server.port());
    }
}
