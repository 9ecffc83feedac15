package dev.maitre.engine.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslClientHelloHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The first handler of a TLS connection on a listener with several certificates: it waits for the
 * ClientHello, picks the certificate by the client's SNI name and key type support, and gives its place
 * to that certificate's handshake, which reads the ClientHello it held. One per connection.
 *
 * <p>The wait for the ClientHello and the handshake after it share one timeout, as a listener with one
 * certificate has for its handshake alone: a client that trickles its ClientHello, or sends none, is
 * closed when it runs out, and counted as a handshake that timed out.
 */
final class CertificateChooser extends SslClientHelloHandler<SslContext> {

    /** A ClientHello larger than this is refused before it is read (Netty allows 64 KiB; real ones are a few hundred bytes, up to a few KiB with post-quantum key shares). */
    private static final int MAX_CLIENT_HELLO_BYTES = 16 * 1024;

    /** Netty's default handshake timeout, which a listener with one certificate has too. */
    static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private final ServerTls tls;
    private long started;
    private ScheduledFuture<?> timeout;

    CertificateChooser(ServerTls tls) {
        super(MAX_CLIENT_HELLO_BYTES);
        this.tls = tls;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        super.handlerAdded(ctx);
        started = System.nanoTime();
        timeout = ctx.executor().schedule(() -> {
            ctx.fireUserEventTriggered(new SslHandshakeCompletionEvent(new SslHandshakeTimeoutException(
                    "no ClientHello within " + HANDSHAKE_TIMEOUT_MILLIS + " ms")));
            ctx.close();
        }, HANDSHAKE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
        timeout.cancel(false);
        super.handlerRemoved0(ctx);
    }

    @Override
    protected Future<SslContext> lookup(ChannelHandlerContext ctx, ByteBuf clientHello) {
        return ctx.executor().newSucceededFuture(tls.choose(ClientHello.read(clientHello)));
    }

    @Override
    protected void onLookupComplete(ChannelHandlerContext ctx, Future<SslContext> future) {
        // The lookup never fails; the handshake's handler takes this one's name and the bytes it holds.
        SslHandler handshake = future.getNow().newHandler(ctx.alloc());
        long left = HANDSHAKE_TIMEOUT_MILLIS - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        handshake.setHandshakeTimeoutMillis(Math.max(1, left));
        ctx.pipeline().replace(this, ctx.name(), handshake);
    }
}
