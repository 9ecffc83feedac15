package dev.maitre.engine.http;

import dev.maitre.api.config.ListenerLimits;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.SslContext;

/**
 * Builds the pipeline of each accepted connection of an HTTP listener:
 * [TLS] → strict decoder / response encoder → connection handler. The connection handler counts the
 * connection out when it closes. Connections beyond {@code limits.maxConnections} are closed at once.
 */
public final class HttpListenerInitializer extends ChannelInitializer<Channel> {

    private final HttpListenerContext listener;
    private final SslContext ssl;

    public HttpListenerInitializer(HttpListenerContext listener, SslContext ssl) {
        this.listener = listener;
        this.ssl = ssl;
    }

    @Override
    protected void initChannel(Channel ch) {
        ListenerLimits limits = listener.config().limits();
        if (listener.connections().incrementAndGet() > limits.maxConnections() || listener.draining()) {
            listener.connections().decrementAndGet();
            ch.close();
            return;
        }
        listener.clientChannels().add(ch);

        ClientResponseEncoder encoder = new ClientResponseEncoder();
        ClientConnectionHandler handler = new ClientConnectionHandler(listener, encoder);
        if (ssl != null) {
            ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc()));
        }
        ch.pipeline()
                .addLast("decoder", new StrictRequestDecoder(decoderConfig(limits), handler))
                .addLast("encoder", encoder)
                .addLast("proxy", handler);
    }

    /** How requests are decoded: within the listener's limits, with every strictness Netty offers turned on. */
    static HttpDecoderConfig decoderConfig(ListenerLimits limits) {
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(limits.maxRequestLineBytes())
                .setMaxHeaderSize(limits.maxHeaderBytes())
                .setMaxChunkSize(64 * 1024)
                .setStrictLineParsing(true)
                .setValidateHeaders(true)
                .setAllowDuplicateContentLengths(false)
                .setUseRfc9112TransferEncoding(true);
    }

    /** Asks the connection to close now if idle, or after its current exchange; call on its loop. */
    public static void drain(Channel ch) {
        ClientConnectionHandler handler = ch.pipeline().get(ClientConnectionHandler.class);
        if (handler != null) {
            handler.drain();
        } else {
            ch.close();
        }
    }
}
