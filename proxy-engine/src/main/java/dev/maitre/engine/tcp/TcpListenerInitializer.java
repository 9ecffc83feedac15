package dev.maitre.engine.tcp;

import dev.maitre.engine.relay.RelayHandler;
import dev.maitre.engine.relay.SpliceFlow;
import dev.maitre.engine.tls.ServerTls;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * Builds the pipeline of each accepted connection of a tcp listener, idle watch → [TLS] → relay,
 * and starts pairing it with a backend. Connections beyond {@code limits.maxConnections} are closed
 * at once.
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
        boolean splice = listener.splices();
        ServerTls tls = listener.tls();
        listener.prepare(ch, splice);

        TcpRelay relay = new TcpRelay(listener, ch, splice);
        if (!splice) {
            // All-idle on the client connection: reads are bytes from the client, writes bytes from the
            // backend, so it fires only when nothing moved either way. Spliced bytes pass no pipeline:
            // a spliced pair keeps its own idle clock.
            ch.pipeline().addLast("idle", new IdleStateHandler(false, 0, 0,
                    listener.config().timeouts().idle().toNanos(), TimeUnit.NANOSECONDS));
        }
        if (tls != null) {
            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
        }
        ch.pipeline().addLast("relay", new RelayHandler(relay));
        relay.start();
    }

    /**
     * Bytes read from the peer of {@code ch} and not yet written to it that sit in a kernel pipe (a
     * spliced pair), which the channel's outbound buffer does not show.
     */
    public static long splicedBytesInFlight(Channel ch) {
        return SpliceFlow.inFlightBytes(ch);
    }
}
