package dev.maitre.engine.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Sits before the decoder and tells the connection handler that bytes arrived, so the keep-alive
 * idle timeout gives way to the request-header timeout as soon as a request begins.
 */
final class RequestStartWatcher extends ChannelInboundHandlerAdapter {

    private final ClientConnectionHandler connection;

    RequestStartWatcher(ClientConnectionHandler connection) {
        this.connection = connection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf && buf.isReadable()) {
            connection.onBytesReceived();
        }
        ctx.fireChannelRead(msg);
    }
}
