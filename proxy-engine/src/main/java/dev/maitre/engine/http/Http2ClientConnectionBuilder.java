package dev.maitre.engine.http;

import dev.maitre.api.config.ListenerHttp2;
import dev.maitre.engine.http2.Http2Limits;
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2RemoteFlowController;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Settings;

/**
 * Netty's HTTP/2 codec as a client connection of a listener has it: the listener's {@code http2}
 * settings, the attack limits of {@link Http2Limits}, and a flow controller that reports the answer
 * bytes it holds ({@link Http2AnswerBytes}).
 */
final class Http2ClientConnectionBuilder
    extends AbstractHttp2ConnectionHandlerBuilder<Http2ClientConnection, Http2ClientConnectionBuilder> {

    private final HttpListenerContext listener;
    private final ClientHop hop;
    private final Http2AnswerBytes answerBytes;

    Http2ClientConnectionBuilder(HttpListenerContext listener, ClientHop hop) {
        this.listener = listener;
        this.hop = hop;
        ListenerHttp2 config = listener.config().http2();
        // A server's connection, whose flow controller reports what it holds (see Http2AnswerBytes).
        DefaultHttp2Connection connection = new DefaultHttp2Connection(true);
        answerBytes = new Http2AnswerBytes(connection);
        connection.remote().flowController(new DefaultHttp2RemoteFlowController(connection, answerBytes));
        connection(connection);
        initialSettings(Http2Limits.settings(config));
        validateHeaders(true);
        decoupleCloseAndGoAway(true);
        decoderEnforceMaxRstFramesPerWindow(Http2Limits.MAX_RESETS_PER_WINDOW, Http2Limits.RESET_WINDOW_SECONDS);
        encoderEnforceMaxRstFramesPerWindow(Http2Limits.MAX_RESETS_PER_WINDOW, Http2Limits.RESET_WINDOW_SECONDS);
        decoderEnforceMaxSmallContinuationFrames(Http2Limits.MAX_SMALL_CONTINUATIONS);
        decoderEnforceMaxConsecutiveEmptyDataFrames(Http2Limits.MAX_EMPTY_DATA_FRAMES);
        encoderEnforceMaxQueuedControlFrames(Http2Limits.MAX_QUEUED_CONTROL_FRAMES);
    }

    @Override
    public Http2ClientConnection build() {
        return super.build();
    }

    @Override
    protected Http2ClientConnection build(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder,
                                          Http2Settings settings) {
        return new Http2ClientConnection(decoder, encoder, settings, listener, hop, answerBytes);
    }
}
