package dev.maitre.engine.http2;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * The client connection preface of HTTP/2 (RFC 9113 §3.4), which opens a clear-text connection whose
 * client knows the server speaks HTTP/2 ("prior knowledge"). No HTTP/1.1 request starts with it: its
 * first line reads as version 2.0, which an HTTP/1.1 server refuses.
 */
public final class Preface {

    private static final byte[] BYTES = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** What the first bytes of a connection are. */
    public enum Match {
        /** The whole preface. */
        HTTP2,
        /** The start of it: more bytes tell. */
        UNDECIDED,
        /** Not the preface: an HTTP/1.x connection. */
        HTTP1
    }

    private Preface() {
    }

    /** What {@code in}'s readable bytes, the first of a connection, are. */
    public static Match match(ByteBuf in) {
        int readable = Math.min(in.readableBytes(), BYTES.length);
        int from = in.readerIndex();
        for (int i = 0; i < readable; i++) {
            if (in.getByte(from + i) != BYTES[i]) {
                return Match.HTTP1;
            }
        }
        return readable == BYTES.length ? Match.HTTP2 : Match.UNDECIDED;
    }
}
