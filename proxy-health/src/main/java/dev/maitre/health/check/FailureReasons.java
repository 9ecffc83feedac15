package dev.maitre.health.check;

import dev.maitre.api.Causes;
import dev.maitre.api.HostPort;
import dev.maitre.api.config.Durations;
import dev.maitre.api.tls.TlsFailures;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http2.Http2Exception;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Locale;

/**
 * Turns the exceptions of a failed check into the few words an operator reads in the event log,
 * whichever transport raised them: {@code connection refused}, {@code connection reset},
 * {@code timeout after 2s}, {@code tls: certificate not trusted}.
 */
final class FailureReasons {

    private FailureReasons() {
    }

    static String timeout(Duration timeout) {
        return "timeout after " + Durations.format(timeout);
    }

    private static Http2Exception http2(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof Http2Exception found) {
                return found;
            }
        }
        return null;
    }

    static String describe(Throwable cause, HostPort target, Duration timeout) {
        if (cause instanceof ConnectTimeoutException) {
            return timeout(timeout);
        }
        if (Causes.causedBy(cause, UnknownHostException.class)) {
            return "cannot resolve " + target.host();
        }
        if (TlsFailures.isTls(cause)) {
            // before the decoder's case: a failed handshake reaches the pipeline as a DecoderException
            return "tls: " + TlsFailures.describe(cause);
        }
        Http2Exception http2 = http2(cause);
        if (http2 != null) {
            // what a backend that speaks only HTTP/1.1 answers to the preface of HTTP/2 in clear text
            return String.valueOf(http2.getMessage()).startsWith("First received frame was not SETTINGS")
                    ? "not an http/2 answer" : "http/2 " + http2.error();
        }
        if (cause instanceof DecoderException) {
            return "invalid response";
        }
        String messages = Causes.messages(cause);
        if (messages.contains("connection refused")) {
            return "connection refused";
        }
        if (messages.contains("connection reset") || messages.contains("broken pipe")) {
            return "connection reset";
        }
        if (messages.contains("no route to host")) {
            return "no route to host";
        }
        if (messages.contains("network is unreachable")) {
            return "network unreachable";
        }
        if (cause instanceof ClosedChannelException) {
            return "connection closed without an answer";
        }
        String message = cause.getMessage();
        if (message == null || message.isBlank()) {
            return cause.getClass().getSimpleName();
        }
        // native transports prefix the system call: "connect(..) failed: Permission denied"
        int colon = message.indexOf("failed: ");
        String text = colon >= 0 ? message.substring(colon + "failed: ".length()) : message;
        return text.toLowerCase(Locale.ROOT);
    }
}
