package dev.maitre.engine.relay;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * The last handler of a relayed channel: hands what its channel reads, the end of its input, its
 * writability, its errors and its close to the channel's {@link Events}: a {@link PairRelay}, or
 * whoever stands for it until the pair is made.
 */
public final class RelayHandler extends ChannelInboundHandlerAdapter {

    /** What happens on one channel of a relayed pair. */
    public interface Events {
        /** {@code source} read {@code msg}, which the callee owns from now on. */
        void forward(Channel source, Object msg);

        void readComplete(Channel source);

        /** {@code side} can take more again. */
        void writable(Channel side);

        /** {@code source} will send nothing more. */
        void inputShutdown(Channel source);

        /** Nothing moved either way for the idle timeout. */
        void idle();

        /** A reset or an error on {@code source}. */
        void failed(Channel source, Throwable cause);

        /** {@code side} closed. */
        void closed(Channel side);
    }

    private final Events relay;

    public RelayHandler(Events relay) {
        this.relay = relay;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        relay.forward(ctx.channel(), msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        relay.readComplete(ctx.channel());
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            relay.writable(ctx.channel());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            relay.inputShutdown(ctx.channel());
        } else if (evt instanceof IdleStateEvent) {
            relay.idle();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        relay.failed(ctx.channel(), cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        relay.closed(ctx.channel());
        ctx.fireChannelInactive();
    }
}
