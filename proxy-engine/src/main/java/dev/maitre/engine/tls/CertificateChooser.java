package dev.maitre.engine.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslClientHelloHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Future;

/**
 * The first handler of a TLS connection on a listener with several certificates: it waits for the
 * ClientHello, picks the certificate by the client's SNI name and key type support, and gives its place
 * to that certificate's handshake, which reads the ClientHello it held. One per connection.
 */
final class CertificateChooser extends SslClientHelloHandler<SslContext> {

    /** A ClientHello larger than this is refused before it is read (Netty's own default). */
    private static final int MAX_CLIENT_HELLO_BYTES = 16 * 1024;

    private final ServerTls tls;

    CertificateChooser(ServerTls tls) {
        super(MAX_CLIENT_HELLO_BYTES);
        this.tls = tls;
    }

    @Override
    protected Future<SslContext> lookup(ChannelHandlerContext ctx, ByteBuf clientHello) {
        return ctx.executor().newSucceededFuture(tls.choose(ClientHello.read(clientHello)));
    }

    @Override
    protected void onLookupComplete(ChannelHandlerContext ctx, Future<SslContext> future) {
        // The lookup never fails; the handshake's handler takes this one's name and the bytes it holds.
        String name = ctx.name();
        ctx.pipeline().replace(this, name, future.getNow().newHandler(ctx.alloc()));
    }
}
