package dev.maitre.engine.http1;

import io.netty.buffer.ByteBuf;

/**
 * The byte-level rules of a request head that a line-by-line reading would miss or repair, checked
 * over the head's bytes in one pass before it is read: the request line is exactly
 * {@code method SP target SP version} with no leading or doubled space, no control character and no
 * bare CR (RFC 9112 §3); no field line starts with whitespace (obs-fold or whitespace after the
 * request line, §5.2, §2.2). Empty lines before the request line are allowed (§2.2).
 */
final class StrictHeadScan {

    private static final int BEFORE_REQUEST_LINE = 0;
    private static final int IN_REQUEST_LINE = 1;
    private static final int AFTER_SPACE = 2;
    private static final int REQUEST_LINE_CR = 3;
    private static final int IN_LINE = 4;
    private static final int LINE_START = 5;
    private static final int AFTER_CR = 6;

    private StrictHeadScan() {
    }

    /** Whether bytes {@code [from, to)}, up to the end of the head if it is there, break none of the rules. */
    static boolean passes(ByteBuf in, int from, int to) {
        int state = BEFORE_REQUEST_LINE;
        for (int i = from; i < to; i++) {
            int b = in.getUnsignedByte(i);
            switch (state) {
                case BEFORE_REQUEST_LINE:
                    if (b == '\r' || b == '\n') {
                        break;
                    }
                    if (b == ' ' || isControl(b)) {
                        return false;
                    }
                    state = IN_REQUEST_LINE;
                    break;
                case IN_REQUEST_LINE:
                case AFTER_SPACE:
                    if (b == ' ') {
                        if (state == AFTER_SPACE) {
                            return false;
                        }
                        state = AFTER_SPACE;
                    } else if (b == '\r') {
                        state = REQUEST_LINE_CR;
                    } else if (b == '\n') {
                        state = LINE_START;
                    } else if (isControl(b)) {
                        return false;
                    } else {
                        state = IN_REQUEST_LINE;
                    }
                    break;
                case REQUEST_LINE_CR:
                    if (b != '\n') {
                        return false;
                    }
                    state = LINE_START;
                    break;
                case IN_LINE:
                    if (b == '\n') {
                        state = LINE_START;
                    }
                    break;
                case LINE_START:
                    if (b == ' ' || b == '\t') {
                        return false;
                    }
                    if (b == '\n') {
                        return true;
                    }
                    state = b == '\r' ? AFTER_CR : IN_LINE;
                    break;
                default:
                    if (b == '\n') {
                        return true;
                    }
                    state = IN_LINE;
                    break;
            }
        }
        return true;
    }

    private static boolean isControl(int b) {
        return b < 0x20 || b == 0x7f;
    }
}
