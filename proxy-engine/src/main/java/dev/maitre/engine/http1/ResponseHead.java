package dev.maitre.engine.http1;

import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;

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
public final class ResponseHead {

    /** More fields than this make a head invalid (HAProxy allows 101 by default). */
    public static final int MAX_FIELDS = 256;

    private ByteBuf bytes;
    private int minorVersion;
    private int status;
    private int reasonStart;
    private int reasonEnd;
    /** Four offsets into {@link #bytes} per field: name start, name end, value start, value end. */
    private int[] fields = new int[4 * 16];
    private int fieldCount;
    private long contentLength;
    private boolean chunked;
    private boolean close;
    private boolean keepAlive;

    /** Starts a new head in {@code buffer}; what was there before is forgotten. */
    void reset(ByteBuf buffer) {
        bytes = buffer;
        fieldCount = 0;
        contentLength = -1;
        chunked = false;
        close = false;
        keepAlive = false;
    }

    void statusLine(int minor, int code, int reasonFrom, int reasonTo) {
        minorVersion = minor;
        status = code;
        reasonStart = reasonFrom;
        reasonEnd = reasonTo;
    }

    /** Adds a field; false when the head already has {@link #MAX_FIELDS}. */
    boolean addField(int nameStart, int nameEnd, int valueStart, int valueEnd) {
        if (fieldCount == MAX_FIELDS) {
            return false;
        }
        int at = 4 * fieldCount;
        if (at == fields.length) {
            int[] larger = new int[Math.min(fields.length * 2, 4 * MAX_FIELDS)];
            System.arraycopy(fields, 0, larger, 0, fields.length);
            fields = larger;
        }
        fields[at] = nameStart;
        fields[at + 1] = nameEnd;
        fields[at + 2] = valueStart;
        fields[at + 3] = valueEnd;
        fieldCount++;
        return true;
    }

    void contentLength(long length) {
        contentLength = length;
    }

    void chunked(boolean value) {
        chunked = value;
    }

    /** The {@code Connection} header named {@code close} ({@code keepAlive} false) or {@code keep-alive}. */
    void connectionToken(boolean isClose) {
        if (isClose) {
            close = true;
        } else {
            keepAlive = true;
        }
    }

    /** 0 or 1: the {@code x} of {@code HTTP/1.x}. */
    public int minorVersion() {
        return minorVersion;
    }

    public int status() {
        return status;
    }

    /** A 1xx answer: the final one is still to come. */
    public boolean isInformational() {
        return status < 200;
    }

    /** The body's length as {@code Content-Length} gave it; -1 when the head had none (or was chunked). */
    public long contentLength() {
        return contentLength;
    }

    /** Whether the body is chunked ({@code Transfer-Encoding: chunked}). */
    public boolean chunked() {
        return chunked;
    }

    /** Whether the backend lets its connection serve another request after this answer. */
    public boolean keepAlive() {
        return !close && (minorVersion >= 1 || keepAlive);
    }

    public int fieldCount() {
        return fieldCount;
    }

    /** Whether field {@code i}'s name is {@code lowerCaseName}, compared without regard to case. */
    public boolean nameIs(int i, AsciiString lowerCaseName) {
        int start = fields[4 * i];
        int length = fields[4 * i + 1] - start;
        if (length != lowerCaseName.length()) {
            return false;
        }
        for (int k = 0; k < length; k++) {
            if (Ascii.lower(bytes.getByte(start + k)) != lowerCaseName.byteAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** Whether field {@code i}'s name equals bytes {@code [from, to)} of this head, without regard to case. */
    public boolean nameIs(int i, int from, int to) {
        int start = fields[4 * i];
        int length = fields[4 * i + 1] - start;
        if (length != to - from) {
            return false;
        }
        for (int k = 0; k < length; k++) {
            if (Ascii.lower(bytes.getByte(start + k)) != Ascii.lower(bytes.getByte(from + k))) {
                return false;
            }
        }
        return true;
    }

    public int valueStart(int i) {
        return fields[4 * i + 2];
    }

    public int valueEnd(int i) {
        return fields[4 * i + 3];
    }

    /** Field {@code i}'s name as a string: for logs and tests, not for the path of every answer. */
    public String name(int i) {
        return bytes.toString(fields[4 * i], fields[4 * i + 1] - fields[4 * i], StandardCharsets.ISO_8859_1);
    }

    /** Field {@code i}'s value as a string (outer whitespace removed): for logs and tests. */
    public String value(int i) {
        return bytes.toString(fields[4 * i + 2], fields[4 * i + 3] - fields[4 * i + 2], StandardCharsets.ISO_8859_1);
    }

    /** Byte {@code index} of the head's bytes (an offset from {@link #valueStart}, say). */
    public byte byteAt(int index) {
        return bytes.getByte(index);
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

    /** Writes field {@code i} as {@code name: value CRLF}, its name as the backend spelled it. */
    public void copyField(int i, ByteBuf out) {
        int at = 4 * i;
        out.writeBytes(bytes, fields[at], fields[at + 1] - fields[at]);
        out.writeByte(':');
        out.writeByte(' ');
        out.writeBytes(bytes, fields[at + 2], fields[at + 3] - fields[at + 2]);
        out.writeByte('\r');
        out.writeByte('\n');
    }

    /** How many bytes the status line and fields take when copied: a size to allocate for. */
    public int copiedSize() {
        int size = 16 + reasonEnd - reasonStart;
        for (int i = 0; i < fieldCount; i++) {
            int at = 4 * i;
            size += fields[at + 1] - fields[at] + fields[at + 3] - fields[at + 2] + 4;
        }
        return size;
    }

    @Override
    public String toString() {
        return "ResponseHead(" + status + ", " + fieldCount + " fields)";
    }
}
