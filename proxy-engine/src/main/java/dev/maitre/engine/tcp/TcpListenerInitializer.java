package dev.maitre.engine.tcp;

import dev.maitre.engine.relay.RelayHandler;
import dev.maitre.engine.relay.SpliceFlow;
import dev.maitre.engine.tls.ServerTls;
import dev.maitre.engine.upstream.ClusterRuntime;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * Builds the pipeline of each accepted connection of a tcp listener, [PROXY header, read first and gone
 * once read] → idle watch → [TLS → handshake counter] → relay, and starts pairing it with a backend. Connections beyond
 * {@code limits.maxConnections} are closed at once.
 */
public final class TcpListenerInitializer extends ChannelInitializer<Channel> {

    private final TcpListenerContext listener;

    public TcpListenerInitializer(TcpListenerContext listener) {
        this.listener = listener;
    }

    @Override
    protected void initChannel(Channel ch) {
        if (!listener.admit(ch)) {
            return;
        }
        ch.closeFuture().addListener(f -> listener.connectionClosed());
        listener.buildPipeline(ch, this::addHandlers, () -> { });
    }

    private void addHandlers(Channel ch) {
        // one read of the cluster: a reload in between cannot make a pair splice to a TLS cluster
        ClusterRuntime cluster = listener.cluster();
        boolean splice = listener.splices(cluster);
        ServerTls tls = listener.tls();
        listener.prepare(ch, splice);

        TcpRelay relay = new TcpRelay(listener, cluster, ch, splice);
        if (!splice) {
            // All-idle on the client connection: reads are bytes from the client, writes bytes from the
            // backend, so it fires only when nothing moved either way. Spliced bytes pass no pipeline:
            // a spliced pair keeps its own idle clock.
            ch.pipeline().addLast("idle", new IdleStateHandler(false, 0, 0,
                    listener.config().timeouts().idle().toNanos(), TimeUnit.NANOSECONDS));
        }
        if (tls != null) {
            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()))
                    .addLast("tls-handshakes", listener.handshakes().newCounter())
                    // A backend is picked and connected to once the client has shown it can talk: a
                    // client that fails its handshake (a client certificate missing, no common suite)
                    // costs no backend connection.
                    .addLast("start-after-handshake", new StartAfterHandshake(relay));
        }
        ch.pipeline().addLast("relay", new RelayHandler(relay));
        if (tls == null) {
            relay.start();
        }
    }

    /**
     * Starts the relay (picks and connects a backend) when the client's TLS handshake succeeded. The
     * connection is accepted with reads off and the relay turns them on once paired, so until then this
     * asks for the first read, and the TLS handler for the rest of the handshake.
     */
    private static final class StartAfterHandshake extends ChannelInboundHandlerAdapter {

        private final TcpRelay relay;

        StartAfterHandshake(TcpRelay relay) {
            this.relay = relay;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            if (ctx.channel().isActive()) {
                ctx.read();
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.read();
            ctx.fireChannelActive();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent handshake) {
                ctx.pipeline().remove(this);
                if (handshake.isSuccess()) {
                    relay.start();
                }
            }
            ctx.fireUserEventTriggered(evt);
        }
    }

    /**
     * Bytes read from the peer of {@code ch} and not yet written to it that sit in a kernel pipe (a
     * spliced pair), which the channel's outbound buffer does not show.
     */
    public static long splicedBytesInFlight(Channel ch) {
        return SpliceFlow.inFlightBytes(ch);
    }
}
