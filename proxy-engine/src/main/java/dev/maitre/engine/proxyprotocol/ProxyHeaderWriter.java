package dev.maitre.engine.proxyprotocol;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.util.AttributeKey;

/**
 * The first handler of a backend connection that opens with a PROXY header: writes the header, through
 * Netty's {@link HAProxyMessageEncoder} placed before it, as soon as the connection is made (before a
 * TLS ClientHello or a request, whichever comes first), then leaves with the encoder. The connection
 * keeps the client it names ({@link #carried}), so that a pool hands it to that client only.
 */
public final class ProxyHeaderWriter extends ChannelInboundHandlerAdapter {

    private static final AttributeKey<ClientAddresses> CARRIED = AttributeKey.valueOf(ProxyHeaderWriter.class, "carried");
    private static final String ENCODER = "proxy-header-encoder";

    private final ProxyHeader header;
    private ChannelHandlerContext ctx;
    private boolean sent;

    private ProxyHeaderWriter(ProxyHeader header) {
        this.header = header;
    }

    /** Makes {@code ch}, a backend connection not yet connected, open with {@code header}. Call it first. */
    public static void addTo(Channel ch, ProxyHeader header) {
        ch.pipeline().addFirst("proxy-header", new ProxyHeaderWriter(header))
                .addFirst(ENCODER, HAProxyMessageEncoder.INSTANCE);
        if (header.client() != null) {
            ch.attr(CARRIED).set(header.client());
        }
    }

    /**
     * Writes the header of {@code ch} now, if it was not yet: its connect succeeded. (Netty tells a
     * connect's listeners before the pipeline hears the connection is active, and the caller may write
     * from such a listener.)
     */
    public static void sendNow(Channel ch) {
        ProxyHeaderWriter writer = ch.pipeline().get(ProxyHeaderWriter.class);
        if (writer != null) {
            writer.send();
        }
    }

    /** The client whose header {@code ch} opened with; {@code null} for none. */
    public static ClientAddresses carried(Channel ch) {
        return ch.attr(CARRIED).get();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        send();
        ctx.fireChannelActive();
    }

    private void send() {
        if (sent) {
            return;
        }
        sent = true;
        ctx.writeAndFlush(header.message(ctx.alloc()), ctx.voidPromise());
        ChannelPipeline pipeline = ctx.pipeline();
        pipeline.remove(ENCODER);
        pipeline.remove(this);
    }
}
