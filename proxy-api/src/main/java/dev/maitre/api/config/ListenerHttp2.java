package dev.maitre.api.config;

/**
 * HTTP/2 on an http listener. A client speaks it when ALPN selects {@code h2} on TLS, or when its
 * clear-text connection opens with the HTTP/2 preface (prior knowledge); HTTP/1.1 otherwise.
 *
 * @param enabled whether the listener speaks HTTP/2 at all (offers {@code h2} by ALPN, reads the preface)
 * @param maxConcurrentStreams {@code SETTINGS_MAX_CONCURRENT_STREAMS}: streams a client may have open
 *     at once on one connection; a stream beyond them is refused with {@code REFUSED_STREAM}
 * @param initialWindowSize {@code SETTINGS_INITIAL_WINDOW_SIZE}: how much of a request body a client
 *     may send on a stream before maitre has passed it on
 * @param maxFrameSize {@code SETTINGS_MAX_FRAME_SIZE}: the largest frame payload a client may send
 * @param maxHeaderListSize {@code SETTINGS_MAX_HEADER_LIST_SIZE}: the largest header list a client
 *     may send, decoded (RFC 9113 §6.5.2: names, values and 32 bytes per field), however many
 *     {@code CONTINUATION} frames carry it
 * @param only the listener speaks HTTP/2 alone: on TLS, ALPN offers only {@code h2} and a client that
 *     does not choose it is closed; on clear text, a connection that does not open with the preface is
 *     closed without an answer (as HAProxy's {@code proto h2} and Envoy's {@code codec_type: HTTP2})
 */
public record ListenerHttp2(boolean enabled, int maxConcurrentStreams, int initialWindowSize, int maxFrameSize,
                            int maxHeaderListSize, boolean only) {

    public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 100;
    /**
     * Each open stream can hold a backend connection (and a request's buffers), so this bounds what one
     * client connection can take from the backends and the pools.
     */
    public static final int MAX_CONCURRENT_STREAMS = 10_000;
    /** The protocol's own default (RFC 9113 §6.5.2). */
    public static final int DEFAULT_INITIAL_WINDOW_SIZE = 65_535;
    public static final int MIN_FRAME_SIZE = 16_384;
    public static final int MAX_FRAME_SIZE = 16_777_215;
    public static final int MAX_WINDOW_SIZE = Integer.MAX_VALUE;
    public static final int DEFAULT_MAX_HEADER_LIST_SIZE = 16 * 1024;
    /** Below this, common requests (a browser's cookies and user agent) would not fit. */
    public static final int MIN_HEADER_LIST_SIZE = 1024;
    /**
     * A stream's header list is held whole, decoded, before its request is routed, so one connection
     * can hold up to this times its open streams.
     */
    public static final int MAX_HEADER_LIST_SIZE = 1024 * 1024;

    public ListenerHttp2 {
        if (only && !enabled) {
            throw new IllegalArgumentException("only: true (expected: with enabled: true)");
        }
        if (maxConcurrentStreams < 1 || maxConcurrentStreams > MAX_CONCURRENT_STREAMS) {
            throw new IllegalArgumentException("maxConcurrentStreams: " + maxConcurrentStreams
                    + " (expected: 1.." + MAX_CONCURRENT_STREAMS + ")");
        }
        if (initialWindowSize < 0) {
            throw new IllegalArgumentException("initialWindowSize: " + initialWindowSize + " (expected: >= 0)");
        }
        if (maxFrameSize < MIN_FRAME_SIZE || maxFrameSize > MAX_FRAME_SIZE) {
            throw new IllegalArgumentException("maxFrameSize: " + maxFrameSize
                    + " (expected: " + MIN_FRAME_SIZE + ".." + MAX_FRAME_SIZE + ")");
        }
        if (maxHeaderListSize < MIN_HEADER_LIST_SIZE || maxHeaderListSize > MAX_HEADER_LIST_SIZE) {
            throw new IllegalArgumentException("maxHeaderListSize: " + maxHeaderListSize
                    + " (expected: " + MIN_HEADER_LIST_SIZE + ".." + MAX_HEADER_LIST_SIZE + ")");
        }
    }

    /** Settings for a listener that speaks HTTP/1.1 besides HTTP/2, as the client chooses. */
    public ListenerHttp2(boolean enabled, int maxConcurrentStreams, int initialWindowSize, int maxFrameSize,
                         int maxHeaderListSize) {
        this(enabled, maxConcurrentStreams, initialWindowSize, maxFrameSize, maxHeaderListSize, false);
    }

    public static ListenerHttp2 defaults() {
        return new ListenerHttp2(true, DEFAULT_MAX_CONCURRENT_STREAMS, DEFAULT_INITIAL_WINDOW_SIZE, MIN_FRAME_SIZE,
                DEFAULT_MAX_HEADER_LIST_SIZE);
    }

    /** HTTP/2 switched off: every client speaks HTTP/1.1. */
    public static ListenerHttp2 disabled() {
        ListenerHttp2 defaults = defaults();
        return new ListenerHttp2(false, defaults.maxConcurrentStreams, defaults.initialWindowSize,
                defaults.maxFrameSize, defaults.maxHeaderListSize);
    }
}
