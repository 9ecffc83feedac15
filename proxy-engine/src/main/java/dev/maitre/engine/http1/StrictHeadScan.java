package dev.maitre.engine.http1;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * The byte-level rules of a request head that a line-by-line reading would miss or repair, checked
 * over the head's bytes in one pass before it is read: the request line is exactly
 * {@code method SP target SP version} with no leading or doubled space, no control character and no
 * bare CR (RFC 9112 §3); no field line starts with whitespace (obs-fold or whitespace after the
 * request line, §5.2, §2.2). Empty lines before the request line are allowed (§2.2).
 *
 * <p>Resumable: {@link #scan} goes on with the bytes that came since the last call, so a head
 * arriving in pieces is scanned once. The bytes are walked with {@link ByteBuf#forEachByte}, which
 * checks the buffer's bounds once per call rather than once per byte.
 */
final class StrictHeadScan implements ByteProcessor {

    private static final int BEFORE_REQUEST_LINE = 0;
    private static final int IN_REQUEST_LINE = 1;
    private static final int AFTER_SPACE = 2;
    private static final int REQUEST_LINE_CR = 3;
    private static final int IN_LINE = 4;
    private static final int LINE_START = 5;
    private static final int AFTER_CR = 6;
    /** The head's empty line was passed: nothing more of it to scan. */
    static final int END = 7;
    /** A rule was broken. */
    static final int FAILED = -1;

    private int state = BEFORE_REQUEST_LINE;

    /** A new head begins. */
    void start() {
        state = BEFORE_REQUEST_LINE;
    }

    /**
     * Scans bytes {@code [from, to)}: the state after them, {@link #END} once the head's empty line
     * is passed (the bytes after it are left alone), or {@link #FAILED}.
     */
    int scan(ByteBuf in, int from, int to) {
        if (state != END && state != FAILED && to > from) {
            in.forEachByte(from, to - from, this);
        }
        return state;
    }

    @Override
    public boolean process(byte value) {
        int b = value & 0xff;
        switch (state) {
            case BEFORE_REQUEST_LINE:
                if (b != '\r' && b != '\n') {
                    state = b == ' ' || isControl(b) ? FAILED : IN_REQUEST_LINE;
                }
                break;
            case IN_REQUEST_LINE:
            case AFTER_SPACE:
                if (b == ' ') {
                    state = state == AFTER_SPACE ? FAILED : AFTER_SPACE;
                } else if (b == '\r') {
                    state = REQUEST_LINE_CR;
                } else if (b == '\n') {
                    state = LINE_START;
                } else {
                    state = isControl(b) ? FAILED : IN_REQUEST_LINE;
                }
                break;
            case REQUEST_LINE_CR:
                state = b == '\n' ? LINE_START : FAILED;
                break;
            case IN_LINE:
                if (b == '\n') {
                    state = LINE_START;
                }
                break;
            case LINE_START:
                state = b == ' ' || b == '\t' ? FAILED : b == '\n' ? END : b == '\r' ? AFTER_CR : IN_LINE;
                break;
            case AFTER_CR:
                state = b == '\n' ? END : IN_LINE;
                break;
            default:
                throw new IllegalStateException("state " + state);
        }
        return state != END && state != FAILED;
    }

    private static boolean isControl(int b) {
        return b < 0x20 || b == 0x7f;
    }
}
