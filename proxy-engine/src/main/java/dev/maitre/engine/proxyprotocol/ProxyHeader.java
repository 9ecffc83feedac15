package dev.maitre.engine.proxyprotocol;

import dev.maitre.api.config.ProxyProtocolVersion;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * The PROXY header a backend connection opens with: {@code version}, naming {@code client}. A client
 * whose addresses are unknown is named as nobody ({@code PROXY UNKNOWN}, v2 {@code LOCAL}), so the
 * backend uses the connection's own. An IPv4 address next to an IPv6 one is written IPv4-mapped, as
 * one header holds one address family.
 *
 * @param client the client's connection; {@code null} when there is none to name
 */
public record ProxyHeader(ProxyProtocolVersion version, ClientAddresses client) {

    public ProxyHeader {
        Objects.requireNonNull(version, "version");
        if (!version.sends()) {
            throw new IllegalArgumentException("version: off (expected: v1 or v2)");
        }
    }

    /**
     * The header as the message Netty's encoder writes, or as bytes for the v1 line naming nobody (which
     * that encoder does not write); the caller owns it.
     */
    Object message(ByteBufAllocator alloc) {
        InetSocketAddress source = client == null ? null : client.source();
        InetSocketAddress destination = client == null ? null : client.destination();
        boolean named = source != null && destination != null && !source.isUnresolved() && !destination.isUnresolved();
        if (!named && version == ProxyProtocolVersion.V1) {
            return ByteBufUtil.writeAscii(alloc, "PROXY UNKNOWN\r\n");
        }
        if (!named) {
            return new HAProxyMessage(HAProxyProtocolVersion.V2, HAProxyCommand.LOCAL, HAProxyProxiedProtocol.UNKNOWN,
                    null, null, 0, 0);
        }
        HAProxyProtocolVersion wire = version == ProxyProtocolVersion.V1 ? HAProxyProtocolVersion.V1
                : HAProxyProtocolVersion.V2;
        boolean ipv4 = source.getAddress() instanceof Inet4Address && destination.getAddress() instanceof Inet4Address;
        return new HAProxyMessage(wire, HAProxyCommand.PROXY,
                ipv4 ? HAProxyProxiedProtocol.TCP4 : HAProxyProxiedProtocol.TCP6,
                text(source, ipv4), text(destination, ipv4), source.getPort(), destination.getPort());
    }

    private static String text(InetSocketAddress address, boolean ipv4) {
        String text = NetUtil.toAddressString(address.getAddress());
        return ipv4 || !(address.getAddress() instanceof Inet4Address) ? text : "::ffff:" + text;
    }
}
