package dev.maitre.engine.http;

import dev.maitre.api.config.ListenerLimits;
import dev.maitre.engine.tls.ServerTls;
import dev.maitre.engine.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/**
 * Builds the pipeline of each accepted connection of an HTTP listener: [PROXY header, read first and
 * gone once read] → [TLS → handshake counter] → strict decoder → connection handler, which writes its
 * answers as bytes. The connection handler counts the connection out when it closes. A connection
 * that turns out to speak HTTP/2 (ALPN {@code h2}, or the preface on clear text) has the decoder and
 * the connection handler replaced by an {@link Http2ClientConnection}. Connections beyond
 * {@code limits.maxConnections} are closed at once.
 */
public final class HttpListenerInitializer extends ChannelInitializer<Channel> {

    private final HttpListenerContext listener;

    public HttpListenerInitializer(HttpListenerContext listener) {
        this.listener = listener;
    }

    /**
     * Bytes an HTTP/2 connection {@code ch} holds for its streams beyond its outbound buffer: request
     * body not yet passed on to the backends, answer bytes waiting for the client's window.
     */
    public static long http2HeldBytes(Channel ch) {
        return Http2ClientConnection.heldBytes(ch);
    }

    @Override
    protected void initChannel(Channel ch) {
        if (!listener.admit(ch)) {
            return;
        }
        listener.buildPipeline(ch, this::addHandlers, listener::connectionClosed);
    }

    private void addHandlers(Channel ch) {
        ListenerLimits limits = listener.config().limits();
        ServerTls tls = listener.tls();

        ClientConnectionHandler handler = new ClientConnectionHandler(listener);
        // The handler keeps the connection writable after its input ends itself.
        Transport.handOverInputEnd(ch);
        if (tls != null) {
            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()))
                    .addLast("tls-handshakes", listener.handshakes().newCounter());
        }
        ch.pipeline()
                .addLast("decoder", tls == null && listener.config().http2().enabled()
                        ? new RequestDecoder(limits, handler).acceptingHttp2Preface(listener.config().http2().only())
                        : new RequestDecoder(limits, handler))
                .addLast("proxy", handler);
    }
}
