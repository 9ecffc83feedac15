package dev.maitre.server.discovery;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.BackendConfig;
import dev.maitre.api.config.DnsDiscoveryConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRecordDecoder;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.resolver.dns.DnsErrorCauseException;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * One lookup of a cluster's records with Netty's {@link DnsNameResolver}, which gives each record with
 * its TTL: the A and AAAA records of a name, or the SRV records of a name and then the A and AAAA
 * records of their targets. Runs on the resolver's event loop and blocks nothing.
 */
final class DnsLookup {

    /** The backends' weights are 1-1000, an SRV record's 0-65535. */
    private static final int MAX_WEIGHT = 1000;

    private final DnsNameResolver resolver;
    private final DnsDiscoveryConfig config;

    DnsLookup(DnsNameResolver resolver, DnsDiscoveryConfig config) {
        this.resolver = resolver;
        this.config = config;
    }

    /** The answer, never completed exceptionally. */
    CompletableFuture<DnsAnswer> run() {
        CompletableFuture<DnsAnswer> answer = config.srv() != null ? srv() : byName();
        return answer.exceptionally(e -> DnsAnswer.failed(String.valueOf(e)));
    }

    private CompletableFuture<DnsAnswer> byName() {
        return addresses(config.name()).thenApply(found -> {
            if (found.values.isEmpty()) {
                return found.failure != null ? DnsAnswer.failed(found.failure)
                        : DnsAnswer.empty(config.name() + " has no A or AAAA records");
            }
            List<BackendConfig> backends = found.values.stream()
                    .map(address -> new BackendConfig(new HostPort(address.getHostAddress(), config.port()), 1))
                    .toList();
            return DnsAnswer.ok(sorted(backends), Duration.ofSeconds(found.ttl));
        });
    }

    private CompletableFuture<DnsAnswer> srv() {
        return query(config.srv(), DnsRecordType.SRV, DnsLookup::srvRecord).thenCompose(srv -> {
            if (srv.values.isEmpty()) {
                return CompletableFuture.completedFuture(srv.failure != null ? DnsAnswer.failed(srv.failure)
                        : DnsAnswer.empty(config.srv() + " has no SRV records"));
            }
            // the lowest priority is the one to use; higher ones are backups
            int priority = srv.values.stream().mapToInt(Srv::priority).min().orElseThrow();
            List<Srv> used = srv.values.stream().filter(record -> record.priority == priority).toList();
            List<CompletableFuture<Found<InetAddress>>> targets = used.stream().map(record -> addresses(record.target))
                    .toList();
            return CompletableFuture.allOf(targets.toArray(CompletableFuture[]::new))
                    .thenApply(done -> srvAnswer(used, targets.stream().map(CompletableFuture::join).toList(),
                            srv.ttl));
        });
    }

    private DnsAnswer srvAnswer(List<Srv> records, List<Found<InetAddress>> targets, long srvTtl) {
        Map<HostPort, BackendConfig> backends = new LinkedHashMap<>();
        long ttl = srvTtl;
        String failure = null;
        for (int i = 0; i < records.size(); i++) {
            Srv record = records.get(i);
            Found<InetAddress> addresses = targets.get(i);
            if (addresses.values.isEmpty()) {
                failure = failure != null ? failure : addresses.failure;
                continue;
            }
            ttl = Math.min(ttl, addresses.ttl);
            int weight = Math.max(1, Math.min(MAX_WEIGHT, record.weight));
            for (InetAddress address : addresses.values) {
                HostPort at = new HostPort(address.getHostAddress(), record.port);
                backends.merge(at, new BackendConfig(at, weight),
                        (a, b) -> a.weight() >= b.weight() ? a : b);
            }
        }
        if (backends.isEmpty()) {
            return failure != null ? DnsAnswer.failed(failure)
                    : DnsAnswer.empty("the targets of " + config.srv() + " have no A or AAAA records");
        }
        return DnsAnswer.ok(sorted(new ArrayList<>(backends.values())), Duration.ofSeconds(ttl));
    }

    /** The addresses of {@code name} from its A and AAAA records together. */
    private CompletableFuture<Found<InetAddress>> addresses(String name) {
        CompletableFuture<Found<InetAddress>> v4 = query(name, DnsRecordType.A, DnsLookup::address);
        CompletableFuture<Found<InetAddress>> v6 = query(name, DnsRecordType.AAAA, DnsLookup::address);
        return v4.thenCombine(v6, (a, b) -> {
            List<InetAddress> all = new ArrayList<>(a.values);
            all.addAll(b.values);
            // a server that answers A but fails AAAA (or the reverse) still names the backends
            String failure = all.isEmpty() ? (a.failure != null ? a.failure : b.failure) : null;
            return new Found<>(all, Math.min(a.ttl, b.ttl), failure);
        });
    }

    /** The records of {@code type} for {@code name}, each read by {@code read} (null: skipped) and released. */
    private <T> CompletableFuture<Found<T>> query(String name, DnsRecordType type, Function<DnsRecord, T> read) {
        CompletableFuture<Found<T>> found = new CompletableFuture<>();
        // absolute, so that the system's search domains and ndots are not tried first
        String absolute = name.endsWith(".") ? name : name + ".";
        resolver.resolveAll(new DefaultDnsQuestion(absolute, type)).addListener(future -> {
            if (!future.isSuccess()) {
                Throwable cause = future.cause();
                found.complete(new Found<>(List.of(), Long.MAX_VALUE, notFound(cause) ? null
                        : type.name() + " " + name + ": " + describe(cause)));
                return;
            }
            @SuppressWarnings("unchecked")
            List<DnsRecord> records = (List<DnsRecord>) future.getNow();
            List<T> values = new ArrayList<>();
            long ttl = Long.MAX_VALUE;
            try {
                for (DnsRecord record : records) {
                    T value = record.type().equals(type) ? read.apply(record) : null;
                    if (value != null) {
                        values.add(value);
                        ttl = Math.min(ttl, record.timeToLive());
                    }
                }
            } finally {
                records.forEach(ReferenceCountUtil::release);
            }
            found.complete(new Found<>(values, ttl, null));
        });
        return found;
    }

    /** Whether {@code cause} says the name or its records do not exist, rather than that no answer came. */
    static boolean notFound(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof DnsErrorCauseException error) {
                return error.getCode().equals(DnsResponseCode.NXDOMAIN);
            }
            if (t.getCause() == null && t instanceof UnknownHostException) {
                // Netty's own word for an answer without records of the type asked
                return t.getMessage() != null && t.getMessage().contains("no matching record");
            }
        }
        return false;
    }

    private static String describe(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root == cause ? String.valueOf(cause.getMessage()) : cause.getMessage() + " (" + root + ")";
    }

    private static InetAddress address(DnsRecord record) {
        if (!(record instanceof DnsRawRecord raw)) {
            return null;
        }
        ByteBuf content = raw.content();
        int length = content.readableBytes();
        if (length != 4 && length != 16) {
            return null;
        }
        try {
            return InetAddress.getByAddress(ByteBufUtil.getBytes(content));
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static Srv srvRecord(DnsRecord record) {
        if (!(record instanceof DnsRawRecord raw) || raw.content().readableBytes() < 7) {
            return null;
        }
        ByteBuf content = raw.content().duplicate();
        int priority = content.readUnsignedShort();
        int weight = content.readUnsignedShort();
        int port = content.readUnsignedShort();
        String target = DefaultDnsRecordDecoder.decodeName(content);
        // "." is the record's way of saying that the service is not offered there
        return port == 0 || target.equals(".") ? null : new Srv(priority, weight, port, target);
    }

    private static List<BackendConfig> sorted(List<BackendConfig> backends) {
        List<BackendConfig> list = new ArrayList<>(backends);
        list.sort(Comparator.comparing((BackendConfig b) -> b.address().host())
                .thenComparingInt(b -> b.address().port()));
        return list;
    }

    /** One SRV record. */
    private record Srv(int priority, int weight, int port, String target) {
    }

    /**
     * What one query found.
     *
     * @param ttl the shortest TTL of the records found; {@link Long#MAX_VALUE} for none
     * @param failure why nothing could be found; {@code null} when the query was answered
     */
    private record Found<T>(List<T> values, long ttl, String failure) {
    }
}
