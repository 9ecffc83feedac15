package dev.maitre.engine.http;

import dev.maitre.engine.pool.BackendCodec;
import dev.maitre.engine.pool.BackendConnection;
import dev.maitre.engine.relay.PairRelay;
import dev.maitre.engine.relay.RelayHandler;
import dev.maitre.engine.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;

/**
 * Turns an HTTP client connection and the backend connection of its exchange into a tunnel, once
 * the backend switched protocols: both pipelines end in a {@link RelayHandler} of one
 * {@link PairRelay} (the L4 relay's, buffered), in place of the connection handler and of the
 * backend connection's own handler; the request decoder leaves the client's pipeline, passing the
 * bytes it held into the tunnel first, and the backend connection's HTTP codec leaves its own. The client connection is counted out of its listener when it
 * closes, since the connection handler that would have done so is gone.
 */
final class ClientTunnel {

    private ClientTunnel() {
    }

    /**
     * Opens the tunnel of {@code connection} (whose context is {@code ctx}) to {@code backend}, with
     * the listener's {@code tunnelIdle} as it is now; {@code clientEnded} when the client's input
     * ended already.
     */
    static void open(ChannelHandlerContext ctx, ClientConnectionHandler connection, HttpListenerContext listener,
                     Channel backend, PairRelay.Owner owner, PairRelay.Traffic traffic, boolean clientEnded) {
        Channel client = ctx.channel();
        // A reload changes the timeout of tunnels opened afterwards, not of this one.
        long idleNanos = listener.config().timeouts().tunnelIdle().toNanos();
        PairRelay pair = new PairRelay(client, backend, false, owner, () -> idleNanos, traffic);
        backend.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        backend.pipeline().replace(BackendConnection.class, "relay", new RelayHandler(pair));
        // No more HTTP on it: what the decoder passes on after the 101's head reaches the relay as it
        // leaves (it is called from within that decoder), and later reads go straight to the relay.
        backend.pipeline().remove(BackendCodec.class);
        client.closeFuture().addListener(closed -> listener.connectionClosed());
        Transport.takeBackInputEnd(client);
        ctx.pipeline().replace(connection, "relay", new RelayHandler(pair));
        ctx.pipeline().remove(RequestDecoder.class);
        pair.start(clientEnded);
    }
}
