package dev.maitre.engine.http1;

import io.netty.buffer.ByteBuf;

/**
 * Whether a chunk-size line's extensions are well formed (RFC 9112 §7.1.1): after the size and
 * optional whitespace, {@code ;name} or {@code ;name=value} repeated, a value a token or a quoted
 * string; no byte above 0x7e anywhere (the proxy's request decoding never accepted one).
 */
final class ChunkExtensions {

    private static final int SIZE = 0;
    private static final int NAME = 1;
    private static final int VALUE_START = 2;
    private static final int QUOTED = 3;
    private static final int ESCAPE = 4;
    private static final int QUOTED_END = 5;
    private static final int TOKEN = 6;
    private static final int INVALID = -1;

    /** Delimiters that a name may not hold. */
    private static final String NOT_IN_NAME = "(),/:<=>?@[\\]{}";
    /** Delimiters that may not open a token value (';' may: it is then part of the value). */
    private static final String NOT_OPENING_TOKEN = "(),/:<=>?@[\\]{}\"";
    private static final String NOT_IN_TOKEN = "(),/:<=>?@[\\]{};";

    private ChunkExtensions() {
    }

    /** Whether bytes {@code [from, to)}, a chunk-size line without its CRLF, are well formed. */
    static boolean valid(ByteBuf in, int from, int to) {
        int state = SIZE;
        for (int i = from; i < to && state != INVALID; i++) {
            state = next(state, in.getUnsignedByte(i));
        }
        return state != INVALID && state != QUOTED && state != ESCAPE && state != VALUE_START;
    }

    private static int next(int state, int c) {
        boolean ows = c == ' ' || c == '\t';
        boolean visible = c >= 0x21 && c <= 0x7e;
        return switch (state) {
            case SIZE -> HeadBytes.hexValue((byte) c) >= 0 || ows ? SIZE : c == ';' ? NAME : INVALID;
            case NAME -> (visible && NOT_IN_NAME.indexOf(c) < 0) || ows ? NAME : c == '=' ? VALUE_START : INVALID;
            case VALUE_START -> ows ? VALUE_START : c == '"' ? QUOTED
                    : visible && NOT_OPENING_TOKEN.indexOf(c) < 0 ? TOKEN : INVALID;
            case QUOTED -> c == '\\' ? ESCAPE : c == '"' ? QUOTED_END
                    : c == '\t' || c == ' ' || c == '!' || (c >= 0x23 && c <= 0x5b) || (c >= 0x5d && c <= 0x7e) ? QUOTED : INVALID;
            case ESCAPE -> ows || visible ? QUOTED : INVALID;
            case QUOTED_END -> ows ? QUOTED_END : c == ';' ? NAME : INVALID;
            case TOKEN -> visible && NOT_IN_TOKEN.indexOf(c) < 0 ? TOKEN : c == ';' ? NAME : INVALID;
            default -> INVALID;
        };
    }
}
