package dev.maitre.engine.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import javax.net.ssl.SSLSession;

/**
 * Counts one connection's handshake in its listener's {@link HandshakeCounts}, then leaves the
 * pipeline: it sits right after the TLS handler and sees its completion event, which it passes on.
 * A connection that closes before any handshake event (it sent nothing, or never finished its
 * ClientHello while the certificate was being chosen) counts as {@link HandshakeFailure#CLOSED}, or
 * as what its last error says.
 */
final class HandshakeCounter extends ChannelInboundHandlerAdapter {

    private final HandshakeCounts counts;
    private boolean counted;
    private Throwable error;

    HandshakeCounter(HandshakeCounts counts) {
        this.counts = counts;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent handshake && !counted) {
            counted = true;
            if (handshake.isSuccess()) {
                SslHandler tls = ctx.pipeline().get(SslHandler.class);
                SSLSession session = tls == null ? null : tls.engine().getSession();
                counts.recordCompleted(session == null ? "unknown" : session.getProtocol(),
                        session == null ? "unknown" : session.getCipherSuite());
            } else {
                counts.recordFailed(HandshakeFailure.of(handshake.cause()));
            }
            ctx.fireUserEventTriggered(evt);
            ctx.pipeline().remove(this);
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        error = cause;
        ctx.fireExceptionCaught(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (!counted) {
            counted = true;
            counts.recordFailed(error == null ? HandshakeFailure.CLOSED : HandshakeFailure.of(error));
        }
        ctx.fireChannelInactive();
    }
}
