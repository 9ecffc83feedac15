package dev.maitre.server.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.BackendConfig;
import dev.maitre.api.config.DnsDiscoveryConfig;
import dev.maitre.testing.Dnsmasq;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One lookup against a real DNS server (dnsmasq): what each kind of answer becomes. */
class DnsLookupIT {

    private static final String WEB = "web." + Dnsmasq.DOMAIN;
    private static final String SRV = "_http._tcp.web." + Dnsmasq.DOMAIN;

    @TempDir
    Path dir;

    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private Dnsmasq dns;
    private DnsNameResolver resolver;

    @BeforeEach
    void startDns() throws Exception {
        Dnsmasq.require();
        dns = Dnsmasq.start(dir, Duration.ofSeconds(7),
                Map.of(WEB, List.of("127.0.0.2", "127.0.0.3"), "a." + Dnsmasq.DOMAIN, List.of("127.0.0.4"),
                        "b." + Dnsmasq.DOMAIN, List.of("127.0.0.5", "127.0.0.6")),
                List.of(SRV + ",a." + Dnsmasq.DOMAIN + ",8081,0,5", SRV + ",b." + Dnsmasq.DOMAIN + ",8082,0,2000",
                        SRV + ",c." + Dnsmasq.DOMAIN + ",8083,1,10"));
        EventLoop loop = group.next();
        resolver = loop.submit(() -> new DnsNameResolverBuilder(loop).datagramChannelType(NioDatagramChannel.class)
                .resolveCache(NoopDnsCache.INSTANCE).queryTimeoutMillis(1000)
                .nameServerProvider(new SequentialDnsServerAddressStreamProvider(dns.address())).build()).get();
    }

    @AfterEach
    void stop() {
        if (resolver != null) {
            group.next().submit(resolver::close).syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        if (dns != null) {
            dns.close();
        }
    }

    private DnsAnswer lookup(DnsDiscoveryConfig config) throws Exception {
        return new DnsLookup(resolver, config).run().get(10, TimeUnit.SECONDS);
    }

    @Test
    void theARecordsOfANameAreItsBackendsWithTheirTtl() throws Exception {
        DnsAnswer answer = lookup(DnsDiscoveryConfig.ofName(WEB, 8080));

        assertThat(answer.result()).isEqualTo(DnsAnswer.Result.OK);
        assertThat(answer.backends()).containsExactly(backend("127.0.0.2", 8080, 1), backend("127.0.0.3", 8080, 1));
        assertThat(answer.ttl()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void anUnknownNameIsAnEmptyAnswer() throws Exception {
        DnsAnswer answer = lookup(DnsDiscoveryConfig.ofName("nothing." + Dnsmasq.DOMAIN, 8080));

        assertThat(answer.result()).isEqualTo(DnsAnswer.Result.EMPTY);
        assertThat(answer.backends()).isEmpty();
    }

    @Test
    void srvRecordsGiveEachTargetsAddressesTheirPortAndWeightAtTheLowestPriority() throws Exception {
        DnsAnswer answer = lookup(DnsDiscoveryConfig.ofSrv(SRV));

        assertThat(answer.result()).isEqualTo(DnsAnswer.Result.OK);
        assertThat(answer.backends()).containsExactly(backend("127.0.0.4", 8081, 5), backend("127.0.0.5", 8082, 1000),
                backend("127.0.0.6", 8082, 1000));
        assertThat(answer.ttl()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void noAnswerIsAFailure() throws Exception {
        dns.stop();

        DnsAnswer answer = lookup(DnsDiscoveryConfig.ofName(WEB, 8080));

        assertThat(answer.result()).isEqualTo(DnsAnswer.Result.FAILED);
        assertThat(answer.problem()).isNotBlank();
    }

    private static BackendConfig backend(String host, int port, int weight) {
        return new BackendConfig(new HostPort(host, port), weight);
    }
}
