package dev.maitre.engine.http1;

/**
 * What {@link RequestHeadParser} made of the bytes of a request head: whole and valid, not whole
 * yet, or why it is refused. Each refusal maps to one answer the proxy gives itself.
 */
public enum RequestVerdict {
    /** A valid head, read into the {@link RequestHead}. */
    COMPLETE,
    /** The head's end has not arrived and nothing seen so far is invalid. */
    NEED_MORE,
    /** 400: the request line or a field line is not HTTP/1.1 syntax. */
    MALFORMED,
    /** 400: Content-Length or Transfer-Encoding leave the body's length unreliable. */
    BAD_FRAMING,
    /** 414: the request line is longer than allowed. */
    REQUEST_LINE_TOO_LONG,
    /** 431: the field lines together are larger than allowed. */
    HEAD_TOO_LARGE,
    /** 501: a transfer coding other than chunked. */
    UNSUPPORTED_TRANSFER_CODING,
    /** 501: CONNECT, which this proxy does not tunnel. */
    UNSUPPORTED_METHOD,
    /** 505: a major version other than 1. */
    UNSUPPORTED_VERSION
}
