package dev.maitre.engine.http1;

import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;

/**
 * The field lines of a head, as offsets into the bytes they arrived in: four per field (name start,
 * name end, value start, value end, the value without its outer whitespace), and what the head's
 * version and framing fields say, read out once. Read and copied in place, never turned into
 * strings or a map on the path of a message.
 */
public abstract class HeadFields {

    private static final byte[] CLOSE = HeadBytes.bytes("close");
    private static final byte[] KEEP_ALIVE = HeadBytes.bytes("keep-alive");
    private static final byte[] UPGRADE = HeadBytes.bytes("upgrade");

    /** The bytes the offsets point into. */
    ByteBuf bytes;
    private int[] fields = new int[4 * 16];
    private int fieldCount;
    /** The most fields a head may have, or {@link Integer#MAX_VALUE}. */
    private final int maxFields;
    private int minorVersion;
    private long contentLength;
    private boolean chunked;
    private boolean close;
    private boolean keepAlive;
    private boolean connectionUpgrade;

    HeadFields(int maxFields) {
        this.maxFields = maxFields;
    }

    /** Starts the fields of a new head in {@code buffer}. */
    void resetFields(ByteBuf buffer) {
        bytes = buffer;
        fieldCount = 0;
        contentLength = -1;
        chunked = false;
        close = false;
        keepAlive = false;
        connectionUpgrade = false;
    }

    void minorVersion(int minor) {
        minorVersion = minor;
    }

    void contentLength(long length) {
        contentLength = length;
    }

    void chunked(boolean value) {
        chunked = value;
    }

    /** Notes the {@code close}, {@code keep-alive} and {@code upgrade} tokens of a {@code Connection} value, bytes {@code [from, to)}. */
    void connectionTokens(ByteBuf in, int from, int to) {
        for (int at = from; ; ) {
            int comma = in.indexOf(at, to, (byte) ',');
            int elementEnd = comma < 0 ? to : comma;
            int start = HeadBytes.skipOws(in, at, elementEnd);
            int end = HeadBytes.trimOws(in, start, elementEnd);
            if (HeadBytes.is(in, start, end, CLOSE)) {
                close = true;
            } else if (HeadBytes.is(in, start, end, KEEP_ALIVE)) {
                keepAlive = true;
            } else if (HeadBytes.is(in, start, end, UPGRADE)) {
                connectionUpgrade = true;
            }
            if (comma < 0) {
                return;
            }
            at = comma + 1;
        }
    }

    /** 0 or 1: the {@code x} of {@code HTTP/1.x} (a request's later 1.x is read as 1.1, RFC 9110 §2.5). */
    public final int minorVersion() {
        return minorVersion;
    }

    /** The body's length as {@code Content-Length} gave it; -1 when the head had none (or was chunked). */
    public final long contentLength() {
        return contentLength;
    }

    /** Whether the body is chunked ({@code Transfer-Encoding: chunked}). */
    public final boolean chunked() {
        return chunked;
    }

    /** Whether a {@code Connection} field lists {@code upgrade}: the message's {@code Upgrade} field is meant. */
    public final boolean connectionUpgrade() {
        return connectionUpgrade;
    }

    /** Whether the peer lets its connection carry another message after this one. */
    public final boolean keepAlive() {
        return !close && (minorVersion >= 1 || keepAlive);
    }

    /** Adds a field, growing the offsets when needed (rarely: they stay with the object); false past the maximum. */
    boolean addField(int nameStart, int nameEnd, int valueStart, int valueEnd) {
        if (fieldCount == maxFields) {
            return false;
        }
        int at = 4 * fieldCount;
        if (at == fields.length) {
            int[] larger = new int[(int) Math.min(fields.length * 2L, 4L * maxFields)];
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

    /** Every field offset moves by {@code delta}: the bytes moved in their buffer. */
    void shiftFields(int delta) {
        for (int k = 0; k < 4 * fieldCount; k++) {
            fields[k] += delta;
        }
    }

    public final int fieldCount() {
        return fieldCount;
    }

    /** Whether field {@code i}'s name is {@code lowerCaseName}, compared without regard to case. */
    public final boolean nameIs(int i, AsciiString lowerCaseName) {
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
    public final boolean nameIs(int i, int from, int to) {
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

    public final int nameStart(int i) {
        return fields[4 * i];
    }

    public final int nameEnd(int i) {
        return fields[4 * i + 1];
    }

    public final int valueStart(int i) {
        return fields[4 * i + 2];
    }

    public final int valueEnd(int i) {
        return fields[4 * i + 3];
    }

    /** Field {@code i}'s name as a string: for logs and tests, not for the path of every message. */
    public final String name(int i) {
        return string(fields[4 * i], fields[4 * i + 1]);
    }

    /** Field {@code i}'s value as a string (outer whitespace removed): for logs, tests and rare paths. */
    public final String value(int i) {
        return string(fields[4 * i + 2], fields[4 * i + 3]);
    }

    /** Field {@code i}'s name in lower case, as HTTP/2 writes it: a copy of its bytes. */
    public final AsciiString lowerCaseName(int i) {
        return ascii(fields[4 * i], fields[4 * i + 1]).toLowerCase();
    }

    /** Field {@code i}'s value (outer whitespace removed): a copy of its bytes. */
    public final AsciiString valueAscii(int i) {
        return ascii(fields[4 * i + 2], fields[4 * i + 3]);
    }

    private AsciiString ascii(int from, int to) {
        byte[] copy = new byte[to - from];
        bytes.getBytes(from, copy);
        return new AsciiString(copy, false);
    }

    /** Byte {@code index} of the head's bytes (an offset from {@link #valueStart}, say). */
    public final byte byteAt(int index) {
        return bytes.getByte(index);
    }

    /** Writes field {@code i} as {@code name: value CRLF}, its name as the peer spelled it. */
    public final void copyField(int i, ByteBuf out) {
        int at = 4 * i;
        out.writeBytes(bytes, fields[at], fields[at + 1] - fields[at]);
        out.writeByte(':');
        out.writeByte(' ');
        out.writeBytes(bytes, fields[at + 2], fields[at + 3] - fields[at + 2]);
        out.writeByte('\r');
        out.writeByte('\n');
    }

    /** Writes field {@code i}'s value. */
    public final void copyValue(int i, ByteBuf out) {
        out.writeBytes(bytes, fields[4 * i + 2], fields[4 * i + 3] - fields[4 * i + 2]);
    }

    /** How many bytes the fields take when copied. */
    final int copiedFieldsSize() {
        int size = 0;
        for (int i = 0; i < fieldCount; i++) {
            int at = 4 * i;
            size += fields[at + 1] - fields[at] + fields[at + 3] - fields[at + 2] + 4;
        }
        return size;
    }

    final String string(int from, int to) {
        return bytes.toString(from, to - from, StandardCharsets.ISO_8859_1);
    }
}
