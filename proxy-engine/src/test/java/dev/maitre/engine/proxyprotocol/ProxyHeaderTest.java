package dev.maitre.engine.proxyprotocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.config.ProxyProtocolVersion;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The bytes of the header a backend connection opens with, as Netty's encoder writes them. */
class ProxyHeaderTest {

    private static String v1(ClientAddresses client) {
        EmbeddedChannel channel = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
        channel.writeOutbound(new ProxyHeader(ProxyProtocolVersion.V1, client).message(channel.alloc()));
        ByteBuf written = channel.readOutbound();
        try {
            return written.toString(StandardCharsets.US_ASCII);
        } finally {
            written.release();
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void namesTheClientAndTheAddressItConnectedTo() {
        assertThat(v1(new ClientAddresses(new InetSocketAddress("192.0.2.10", 5555),
                new InetSocketAddress("198.51.100.1", 443))))
                .isEqualTo("PROXY TCP4 192.0.2.10 198.51.100.1 5555 443\r\n");
    }

    @Test
    void writesAnIpv4AddressNextToAnIpv6OneIpv4Mapped() {
        assertThat(v1(new ClientAddresses(new InetSocketAddress("192.0.2.10", 5555),
                new InetSocketAddress("2001:db8::1", 443))))
                .isEqualTo("PROXY TCP6 ::ffff:192.0.2.10 2001:db8::1 5555 443\r\n");
    }

    @Test
    void namesNobodyWhenTheClientIsUnknown() {
        assertThat(v1(null)).isEqualTo("PROXY UNKNOWN\r\n");
        assertThat(v1(new ClientAddresses(null, new InetSocketAddress("198.51.100.1", 443))))
                .isEqualTo("PROXY UNKNOWN\r\n");
    }
}
