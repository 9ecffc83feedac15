package dev.maitre.engine.http1;

import io.netty.buffer.ByteBuf;

/**
 * A response head as a backend sent it: the status line and the fields as offsets into the bytes
 * they arrived in, with what the framing needs read out of them once. Nothing is turned into a
 * string or a map; the head is forwarded by copying byte ranges ({@link #copyStatus},
 * {@link #copyField}).
 *
 * <p>Borrowed, not owned: the bytes are the decoder's and the object is the connection's, filled
 * again for its next head. A head is valid only while the read that delivered it is handled;
 * whoever needs it later copies what it needs.
 */
public final class ResponseHead extends HeadFields {

    /** More fields than this make a head invalid (HAProxy allows 101 by default). */
    public static final int MAX_FIELDS = 256;

    private int status;
    private int reasonStart;
    private int reasonEnd;

    public ResponseHead() {
        super(MAX_FIELDS);
    }

    /** Starts a new head in {@code buffer}; what was there before is forgotten. */
    void reset(ByteBuf buffer) {
        resetFields(buffer);
    }

    void statusLine(int minor, int code, int reasonFrom, int reasonTo) {
        minorVersion(minor);
        status = code;
        reasonStart = reasonFrom;
        reasonEnd = reasonTo;
    }

    public int status() {
        return status;
    }

    /** A 1xx answer: the final one is still to come. */
    public boolean isInformational() {
        return status < 200;
    }

    /** Writes {@code SP status-code SP reason-phrase} (without the version and the CRLF). */
    public void copyStatus(ByteBuf out) {
        out.writeByte(' ');
        out.writeByte('0' + status / 100);
        out.writeByte('0' + status / 10 % 10);
        out.writeByte('0' + status % 10);
        out.writeByte(' ');
        out.writeBytes(bytes, reasonStart, reasonEnd - reasonStart);
    }

    /** How many bytes the status line and fields take when copied: a size to allocate for. */
    public int copiedSize() {
        return 16 + reasonEnd - reasonStart + copiedFieldsSize();
    }

    @Override
    public String toString() {
        return "ResponseHead(" + status + ", " + fieldCount() + " fields)";
    }
}
