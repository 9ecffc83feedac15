package dev.maitre.engine.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.Native;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Keeps an epoll connection writable after its peer's end of input.
 *
 * <p>Netty 4.2.18's {@code EpollIoHandler} removes a connection from the epoll set when its interest
 * set becomes empty (once the peer's FIN has been read and no write is pending) but keeps it marked
 * as added, so asking for {@code EPOLLOUT} later fails with {@code epoll_ctl(MOD): ENOENT} and Netty
 * shuts the output down. When a connection's input ends while its output is still open, this handler
 * adds {@code EPOLLERR} to its interest set, which then never becomes empty. The kernel reports
 * {@code EPOLLERR} and {@code EPOLLHUP} whether asked for or not, and Netty acts on reported events
 * only, so the bit changes nothing else (Netty registers its server channels with it). Once both
 * directions are shut down, {@code EPOLLHUP} is reported on every wait until the connection closes,
 * so its owner closes it then, as the relay and the HTTP handler do.
 *
 * <p>The channel classes are final and {@code setFlag} is protected, hence the reflection. This class
 * can go once Netty moves the registration out of its added state when it removes it.
 */
@ChannelHandler.Sharable
final class EpollRearm extends ChannelInboundHandlerAdapter {

    private static final EpollRearm INSTANCE = new EpollRearm();
    private static final Method SET_FLAG = setFlagMethod();

    private EpollRearm() {
    }

    static SocketChannel newSocketChannel() {
        EpollSocketChannel channel = new EpollSocketChannel();
        channel.pipeline().addFirst(INSTANCE);
        return channel;
    }

    static EpollServerSocketChannel newServerSocketChannel() {
        EpollServerSocketChannel channel = new EpollServerSocketChannel();
        channel.pipeline().addFirst(new Acceptor());
        return channel;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputEnded(ctx.channel());
        }
        ctx.fireUserEventTriggered(evt);
    }

    /**
     * What the handler does when the input of {@code channel} ended, for a connection whose own
     * handler does it instead ({@link #remove}).
     */
    static void inputEnded(Channel channel) {
        if (channel instanceof EpollSocketChannel epoll && !epoll.isOutputShutdown()) {
            try {
                SET_FLAG.invoke(channel, Native.EPOLLERR);
            } catch (InvocationTargetException e) {
                channel.pipeline().fireExceptionCaught(e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Puts the handler (back) first in the pipeline of {@code channel}, an epoll connection. */
    static void add(Channel channel) {
        if (channel instanceof EpollSocketChannel && channel.pipeline().get(EpollRearm.class) == null) {
            channel.pipeline().addFirst(INSTANCE);
        }
    }

    /** Takes the handler off {@code channel}, whose own handler calls {@link #inputEnded}: one pipeline context less. */
    static void remove(Channel channel) {
        if (channel.pipeline().get(EpollRearm.class) != null) {
            channel.pipeline().remove(INSTANCE);
        }
    }

    /** On a listening socket, ahead of the bootstrap's acceptor: gives each accepted connection the handler. */
    @ChannelHandler.Sharable
    private static final class Acceptor extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Channel child) {
                child.pipeline().addFirst(INSTANCE);
            }
            ctx.fireChannelRead(msg);
        }
    }

    private static Method setFlagMethod() {
        try {
            Method method = Class.forName("io.netty.channel.epoll.AbstractEpollChannel")
                    .getDeclaredMethod("setFlag", int.class);
            method.setAccessible(true);
            return method;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("this Netty's epoll transport has no AbstractEpollChannel.setFlag(int); "
                    + "check whether it still needs the half-close workaround in " + EpollRearm.class.getName(), e);
        }
    }
}
