package dev.maitre.health.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.HostPort;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FailureReasonsTest {

    private static final HostPort TARGET = new HostPort("backend.internal", 8080);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    @Test
    void refusedConnectionsReadTheSameFromNioAndEpoll() {
        assertThat(describe(new ConnectException("Connection refused: backend.internal/10.0.0.11:8080")))
                .isEqualTo("connection refused");
        assertThat(describe(new IOException("connect(..) failed: Connection refused"))).isEqualTo("connection refused");
    }

    @Test
    void resetsAndBrokenPipesAreResets() {
        assertThat(describe(new IOException("Connection reset by peer"))).isEqualTo("connection reset");
        assertThat(describe(new IOException("writeAddress(..) failed: Broken pipe"))).isEqualTo("connection reset");
    }

    @Test
    void aConnectTimeoutIsTheCheckTimeout() {
        assertThat(describe(new ConnectTimeoutException("connection timed out after 2000 ms")))
                .isEqualTo("timeout after 2s");
    }

    @Test
    void anUnresolvableNameSaysWhichName() {
        assertThat(describe(new IOException("resolve", new UnknownHostException("Failed to resolve 'x'"))))
                .isEqualTo("cannot resolve backend.internal");
    }

    @Test
    void http2ErrorsAreNamedByTheirCode() {
        assertThat(describe(Http2Exception.connectionError(Http2Error.PROTOCOL_ERROR,
                "First received frame was not SETTINGS. Hex dump for first 5 bytes: 485454502f")))
                .isEqualTo("not an http/2 answer");
        assertThat(describe(Http2Exception.connectionError(Http2Error.FRAME_SIZE_ERROR, "frame too large")))
                .isEqualTo("http/2 FRAME_SIZE_ERROR");
        assertThat(describe(new IOException("stream", Http2Exception.streamError(3, Http2Error.PROTOCOL_ERROR,
                "bad header")))).isEqualTo("http/2 PROTOCOL_ERROR");
    }

    @Test
    void otherFailuresAreNamedPlainly() {
        assertThat(describe(new DecoderException("bad"))).isEqualTo("invalid response");
        assertThat(describe(new IOException("connect(..) failed: No route to host"))).isEqualTo("no route to host");
        assertThat(describe(new IOException("Network is unreachable"))).isEqualTo("network unreachable");
        assertThat(describe(new ClosedChannelException())).isEqualTo("connection closed without an answer");
        assertThat(describe(new IOException("connect(..) failed: Permission denied"))).isEqualTo("permission denied");
        assertThat(describe(new IllegalStateException())).isEqualTo("IllegalStateException");
    }

    private static String describe(Throwable cause) {
        return FailureReasons.describe(cause, TARGET, TIMEOUT);
    }
}
