package dev.maitre.engine.proxyprotocol;

import dev.maitre.api.IpRange;
import dev.maitre.engine.proxyprotocol.ProxyHeaderCounts.Refusal;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of a connection to a listener with {@code proxyProtocol: true}, behind Netty's
 * {@link HAProxyMessageDecoder} (which tells v1 from v2 by the first bytes, and bounds v1 to 108 bytes
 * with its line end and v2 to its length field): the connection must come from one of the listener's
 * {@code trustedProxies} and open with a PROXY header within {@code timeouts.requestHeader}; otherwise
 * it is closed and counted. Once the header is read, its addresses stand for the connection's
 * ({@link ClientAddresses}), the rest of the pipeline is built, hears that the connection is active,
 * and gets the bytes that followed the header (a TLS ClientHello, a request); the decoder and this
 * handler leave.
 *
 * <p>A {@code LOCAL} header (v2) or {@code PROXY UNKNOWN} (v1), which a balancer in front sends for its
 * own health checks, keeps the peer's own addresses, as does a header naming unix sockets.
 */
public final class ProxyHeaderReader extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyHeaderReader.class);

    private final IpRange[] trusted;
    private final long timeoutNanos;
    private final ProxyHeaderCounts counts;
    private final Consumer<Channel> rest;
    private final Runnable countOut;
    private ScheduledFuture<?> timeout;
    private boolean started;
    private boolean read;
    private boolean refused;

    private ProxyHeaderReader(List<IpRange> trusted, Duration timeout, ProxyHeaderCounts counts,
                              Consumer<Channel> rest, Runnable countOut) {
        this.trusted = trusted.toArray(IpRange[]::new);
        this.timeoutNanos = timeout.toNanos();
        this.counts = counts;
        this.rest = rest;
        this.countOut = countOut;
    }

    /**
     * Makes {@code ch} read its PROXY header first; {@code rest} then builds the rest of its pipeline.
     * {@code countOut} runs when the connection closes before that (the handlers {@code rest} adds
     * would have run it otherwise).
     *
     * @param trusted the peers that may send a header; every other peer is closed at once
     * @param timeout how long the header may take to arrive
     */
    public static void expect(Channel ch, List<IpRange> trusted, Duration timeout, ProxyHeaderCounts counts,
                              Consumer<Channel> rest, Runnable countOut) {
        ch.pipeline()
                .addLast("proxy-protocol-decoder", new HAProxyMessageDecoder())
                .addLast("proxy-protocol", new ProxyHeaderReader(trusted, timeout, counts, rest, countOut));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // Not passed on: the handlers that care are added once the header is read, and hear of it then.
        start(ctx);
    }

    private void start(ChannelHandlerContext ctx) {
        if (started) {
            return;
        }
        started = true;
        InetSocketAddress peer = ctx.channel().remoteAddress() instanceof InetSocketAddress remote ? remote : null;
        if (peer == null || !IpRange.anyContains(trusted, peer.getAddress())) {
            refuse(ctx, Refusal.UNTRUSTED, "it is not one of the listener's trustedProxies");
            return;
        }
        timeout = ctx.executor().schedule(() -> {
            if (!read) {
                refuse(ctx, Refusal.TIMEOUT, "its PROXY header did not arrive within timeouts.requestHeader");
            }
        }, timeoutNanos, TimeUnit.NANOSECONDS);
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HAProxyMessage header) || read || refused) {
            // Nothing but the header can come before this handler leaves; nothing counts once refused.
            ReferenceCountUtil.release(msg);
            return;
        }
        read = true;
        timeout.cancel(false);
        ClientAddresses addresses;
        try {
            addresses = addressesOf(header);
        } finally {
            header.release();
        }
        counts.countRead();
        Channel ch = ctx.channel();
        if (addresses != null) {
            ClientAddresses.proxied(ch, addresses);
        }
        rest.accept(ch);
        ctx.pipeline().remove(this);
        // The decoder leaves after this returns and passes on what followed the header.
        ctx.fireChannelActive();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!read && !refused && ctx.channel().isActive()) {
            ctx.read();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!read) {
            refuse(ctx, Refusal.MALFORMED, "its PROXY header is malformed: " + cause.getMessage());
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timeout != null) {
            timeout.cancel(false);
        }
        if (!read && !refused) {
            counts.countRefused(Refusal.CLOSED);
        }
        refused = true;
        countOut.run();
    }

    private void refuse(ChannelHandlerContext ctx, Refusal refusal, String reason) {
        if (read || refused) {
            return;
        }
        refused = true;
        counts.countRefused(refusal);
        LOG.debug("closing connection from {}: {}", ctx.channel().remoteAddress(), reason);
        ctx.close();
    }

    /** The addresses {@code header} names, or {@code null} when it names none to use. */
    static ClientAddresses addressesOf(HAProxyMessage header) {
        if (header.command() != HAProxyCommand.PROXY) {
            return null;
        }
        switch (header.proxiedProtocol()) {
            case TCP4, TCP6, UDP4, UDP6 -> {
                InetAddress source = NetUtil.createInetAddressFromIpAddressString(header.sourceAddress());
                InetAddress destination = NetUtil.createInetAddressFromIpAddressString(header.destinationAddress());
                if (source == null || destination == null) {
                    return null;
                }
                return new ClientAddresses(new InetSocketAddress(source, header.sourcePort()),
                        new InetSocketAddress(destination, header.destinationPort()));
            }
            default -> {
                return null;
            }
        }
    }
}
