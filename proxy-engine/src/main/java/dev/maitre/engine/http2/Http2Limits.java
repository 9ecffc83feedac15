package dev.maitre.engine.http2;

import dev.maitre.api.config.ListenerHttp2;
import io.netty.handler.codec.http2.Http2Settings;

/**
 * What an HTTP/2 connection of a listener announces and enforces: the listener's {@code http2}
 * settings, and the fixed limits that close the known HTTP/2 attacks on a server.
 *
 * <ul>
 *   <li>Rapid reset (CVE-2023-44487): more than {@link #MAX_RESETS_PER_WINDOW} streams reset by the
 *       client within {@link #RESET_WINDOW_SECONDS} end the connection with {@code GOAWAY
 *       ENHANCE_YOUR_CALM}; the same bound applies to the resets maitre itself is made to send
 *       (a client provoking stream errors).</li>
 *   <li>CONTINUATION flood and HPACK bomb: a header block is refused once its encoded bytes or its
 *       decoded list pass {@code maxHeaderListSize} (a quarter more ends the connection), however many
 *       {@code CONTINUATION} frames carry it, and more than {@link #MAX_SMALL_CONTINUATIONS} small
 *       ones end the connection.</li>
 *   <li>Empty {@code DATA} flood: more than {@link #MAX_EMPTY_DATA_FRAMES} empty {@code DATA} frames in
 *       a row end the connection.</li>
 *   <li>{@code SETTINGS}/{@code PING} floods: what they ask maitre to send back waits in a queue of at
 *       most {@link #MAX_QUEUED_CONTROL_FRAMES} frames while the client does not read; past it the
 *       connection ends.</li>
 *   <li>Streams over {@code maxConcurrentStreams} are refused with {@code REFUSED_STREAM}.</li>
 * </ul>
 */
public final class Http2Limits {

    public static final int MAX_RESETS_PER_WINDOW = 200;
    public static final int RESET_WINDOW_SECONDS = 30;
    public static final int MAX_SMALL_CONTINUATIONS = 16;
    public static final int MAX_EMPTY_DATA_FRAMES = 8;
    public static final int MAX_QUEUED_CONTROL_FRAMES = 1000;
    /**
     * The connection's receive window: what all the streams of one connection may have sent and
     * maitre not yet passed on, together. A stream has its own {@code initialWindowSize}.
     */
    public static final int MIN_CONNECTION_WINDOW = 1024 * 1024;

    private Http2Limits() {
    }

    /** The {@code SETTINGS} a connection opens with. */
    public static Http2Settings settings(ListenerHttp2 config) {
        return new Http2Settings()
                .maxConcurrentStreams(config.maxConcurrentStreams())
                .initialWindowSize(config.initialWindowSize())
                .maxFrameSize(config.maxFrameSize())
                .maxHeaderListSize(config.maxHeaderListSize());
    }

    /** The connection's receive window for {@code config}'s streams. */
    public static int connectionWindow(ListenerHttp2 config) {
        return Math.max(MIN_CONNECTION_WINDOW, config.initialWindowSize());
    }
}
