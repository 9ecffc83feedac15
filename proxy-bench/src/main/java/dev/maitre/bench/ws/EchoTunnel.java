package dev.maitre.bench.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.ReferenceCountUtil;

/**
 * One WebSocket of the load: once its handshake is done it sends one binary message, waits for the
 * echo, checks it is the message sent, tells the run how long it took and sends the next, for as
 * long as the run goes on. The message is a duplicate of the run's one payload buffer, so nothing is
 * allocated per message beyond the frame Netty encodes. Lives on the run's event loop.
 */
final class EchoTunnel extends ChannelInboundHandlerAdapter {

    private final LoadRun run;
    private final ByteBuf payload;
    private ChannelHandlerContext ctx;
    private State state = State.HANDSHAKING;
    private boolean awaitingEcho;
    private long sentAt;

    private enum State { HANDSHAKING, OPEN, CLOSING, ENDED }

    EchoTunnel(LoadRun run, ByteBuf payload) {
        this.run = run;
        this.payload = payload;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    void send() {
        awaitingEcho = true;
        sentAt = System.nanoTime();
        ctx.writeAndFlush(new BinaryWebSocketFrame(payload.retainedDuplicate()), ctx.voidPromise());
    }

    boolean awaitingEcho() {
        return awaitingEcho;
    }

    boolean open() {
        return state == State.OPEN;
    }

    /** Starts the closing handshake; the protocol handler closes the connection on the peer's answer. */
    void close() {
        if (state == State.OPEN) {
            state = State.CLOSING;
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE));
        } else {
            ctx.close();
        }
    }

    ChannelFuture closeFuture() {
        return ctx.channel().closeFuture();
    }

    /** Closes the connection without a closing handshake; any thread. */
    void forceClose() {
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            state = State.OPEN;
            run.opened(this);
        } else if (evt == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            notOpened("WebSocket handshake timed out");
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!(msg instanceof BinaryWebSocketFrame frame) || !awaitingEcho) {
                run.error("unexpected " + msg.getClass().getSimpleName() + " from the server");
                return;
            }
            long now = System.nanoTime();
            awaitingEcho = false;
            if (!frame.isFinalFragment() || !ByteBufUtil.equals(frame.content(), payload)) {
                run.error("an echo differed from the message sent");
            }
            run.echoed(this, now, now - sentAt);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (state == State.HANDSHAKING) {
            notOpened("connection closed before the WebSocket handshake completed");
        } else if (state == State.OPEN) {
            state = State.ENDED;
            run.lost(this, "a WebSocket closed during the run");
        }
        state = State.ENDED;
        awaitingEcho = false;
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String what = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        if (state == State.HANDSHAKING) {
            notOpened(what);
        } else if (state == State.OPEN) {
            run.error(what);
        }
        ctx.close();
    }

    private void notOpened(String why) {
        state = State.ENDED;
        run.notOpened(why);
        ctx.close();
    }
}
