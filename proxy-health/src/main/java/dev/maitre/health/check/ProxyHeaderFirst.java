package dev.maitre.health.check;

import dev.maitre.api.config.ProxyProtocolVersion;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;

/**
 * The PROXY header a check of a cluster with {@code proxyProtocol} opens its connection with, so that a
 * backend that requires one on every connection (HAProxy's {@code accept-proxy}) can be checked: v2
 * {@code LOCAL} or v1 {@code PROXY UNKNOWN}, which the specification reserves for connections a proxy
 * makes on its own behalf, such as health checks, and which tell the backend to use the connection's
 * own addresses (as HAProxy's {@code check-send-proxy} does). It goes first, before a TLS ClientHello
 * or a request: the handler writes it ahead of the first write that passes it, or when the connection
 * becomes active if nothing was written by then, and then leaves with Netty's encoder.
 */
final class ProxyHeaderFirst extends ChannelDuplexHandler {

    private static final String ENCODER = "proxy-header-encoder";
    private static final String V1_UNKNOWN = "PROXY UNKNOWN\r\n";

    private final HAProxyProtocolVersion version;
    private boolean sent;

    private ProxyHeaderFirst(HAProxyProtocolVersion version) {
        this.version = version;
    }

    /** The handlers that make each connection open with a header of {@code version} (which sends one). */
    static ChannelHandler of(ProxyProtocolVersion version) {
        HAProxyProtocolVersion wire = version == ProxyProtocolVersion.V1 ? HAProxyProtocolVersion.V1
                : HAProxyProtocolVersion.V2;
        return new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(ENCODER, HAProxyMessageEncoder.INSTANCE)
                        .addLast("proxy-header", new ProxyHeaderFirst(wire));
            }
        };
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        send(ctx, false);
        ctx.write(msg, promise);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        send(ctx, true);
        ctx.fireChannelActive();
    }

    private void send(ChannelHandlerContext ctx, boolean flush) {
        if (sent) {
            return;
        }
        sent = true;
        // Netty's encoder writes no v1 header without addresses; that one is a fixed line.
        Object header = version == HAProxyProtocolVersion.V1
                ? ByteBufUtil.writeAscii(ctx.alloc(), V1_UNKNOWN)
                : new HAProxyMessage(version, HAProxyCommand.LOCAL, HAProxyProxiedProtocol.UNKNOWN, null, null, 0, 0);
        if (flush) {
            ctx.writeAndFlush(header, ctx.voidPromise());
        } else {
            ctx.write(header, ctx.voidPromise());
        }
        ctx.pipeline().remove(ENCODER);
        ctx.pipeline().remove(this);
    }
}
