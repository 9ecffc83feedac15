package dev.maitre.engine.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.socket.DuplexChannel;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The two ways a client connection ends once its last answer is written, as nginx's
 * {@code lingering_close on}: at once when none of the client's input can be pending, and otherwise
 * with a half-close and a moment of reading and discarding what the client still sends. Closing a
 * socket with unread input makes the kernel answer with a reset, which can destroy the answer before
 * the client reads it (RFC 9112 §9.6); a half-close instead lets the client read to the end.
 * Stateless; each connection keeps what it needs in its handler and its deadline.
 */
final class ConnectionClose {

    /** How long a lingering connection keeps discarding input after its half-close. */
    static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);

    private ConnectionClose() {
    }

    /** Closes as soon as what was written is flushed: at once when nothing is left unsent. */
    private static void whenFlushed(ChannelHandlerContext ctx) {
        ChannelOutboundBuffer unsent = ctx.channel().unsafe().outboundBuffer();
        if (unsent == null || unsent.totalPendingWriteBytes() == 0) {
            ctx.close();
        } else {
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * Closes after the last answer is written: as soon as it is flushed when {@code atOnce} (the
     * client sends nothing more) or the connection cannot half-close (an embedded channel); otherwise
     * lingering: once the answers are written, a half-close and {@link #LINGER_NANOS} more on
     * {@code deadline} in which {@code readOn} reads and discards what still comes, or a close at
     * once if the client's input ended meanwhile ({@code inputEnded}).
     */
    static void afterLastAnswer(ChannelHandlerContext ctx, ConnectionDeadline deadline, boolean atOnce,
                                BooleanSupplier inputEnded, Runnable readOn) {
        if (atOnce || !(ctx.channel() instanceof DuplexChannel)) {
            whenFlushed(ctx);
            return;
        }
        // Writes complete in order: once this empty one is written, so is the last answer.
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
            if (!ctx.channel().isActive()) {
                return;
            }
            if (inputEnded.getAsBoolean()) {
                ctx.close();
            } else {
                halfClose(ctx, deadline);
                readOn.run();
            }
        });
    }

    /**
     * Half-closes a connection whose answers are all written, and gives it {@link #LINGER_NANOS}
     * more on {@code deadline}; the caller keeps reading and discarding. The client's end of input
     * then closes the connection at once: with half-closure off, the transport closes instead of
     * shutting its input down, which on a socket the client already closed only fails.
     */
    private static void halfClose(ChannelHandlerContext ctx, ConnectionDeadline deadline) {
        Channel channel = ctx.channel();
        channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
        ((DuplexChannel) channel).shutdownOutput().addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        deadline.set(LINGER_NANOS, ConnectionDeadline.Kind.CLOSING);
    }
}
