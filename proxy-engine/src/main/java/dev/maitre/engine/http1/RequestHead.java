package dev.maitre.engine.http1;

import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;

/**
 * A request head as a client sent it: the request line's parts and the fields as offsets into the
 * bytes they arrived in, with what framing and routing need read out of them once. Nothing is turned
 * into a string or a map.
 *
 * <p>Borrowed, not owned: the bytes are the connection's and the object is too, filled again by
 * {@link RequestHeadParser} for its next head. It is valid only while those bytes are unchanged.
 */
public final class RequestHead {

    private ByteBuf bytes;
    private int methodStart;
    private int methodEnd;
    private int targetStart;
    private int targetEnd;
    private int minorVersion;
    private int end;
    /** Four offsets into {@link #bytes} per field: name start, name end, value start, value end. */
    private int[] fields = new int[4 * 16];
    private int fieldCount;
    private long contentLength;
    private boolean chunked;
    private boolean close;
    private boolean keepAlive;
    private int hostField;
    private int hostCount;

    /** Starts a new head in {@code buffer}; what was there before is forgotten. */
    void reset(ByteBuf buffer) {
        bytes = buffer;
        fieldCount = 0;
        contentLength = -1;
        chunked = false;
        close = false;
        keepAlive = false;
        hostField = -1;
        hostCount = 0;
        end = -1;
    }

    /** The bytes the offsets point into: the same bytes, perhaps in another buffer after a copy. */
    void bytes(ByteBuf buffer) {
        bytes = buffer;
    }

    /** Every offset moves by {@code delta}: the bytes moved in their buffer. */
    void shift(int delta) {
        methodStart += delta;
        methodEnd += delta;
        targetStart += delta;
        targetEnd += delta;
        if (end >= 0) {
            end += delta;
        }
        for (int k = 0; k < 4 * fieldCount; k++) {
            fields[k] += delta;
        }
    }

    /**
     * Moves the head into {@code buffer}, which holds its bytes from index 0 where they started at
     * {@code start}: a slice that outlives the bytes the head was read from.
     */
    public void moveTo(ByteBuf buffer, int start) {
        shift(-start);
        bytes = buffer;
    }

    /** The bytes the offsets point into. */
    public ByteBuf bytes() {
        return bytes;
    }

    void requestLine(int methodFrom, int methodTo, int targetFrom, int targetTo, int minor) {
        methodStart = methodFrom;
        methodEnd = methodTo;
        targetStart = targetFrom;
        targetEnd = targetTo;
        minorVersion = minor;
    }

    /** Adds a field, growing the offsets when needed (rarely: they stay with the connection). */
    void addField(int nameStart, int nameEnd, int valueStart, int valueEnd) {
        int at = 4 * fieldCount;
        if (at == fields.length) {
            int[] larger = new int[fields.length * 2];
            System.arraycopy(fields, 0, larger, 0, fields.length);
            fields = larger;
        }
        fields[at] = nameStart;
        fields[at + 1] = nameEnd;
        fields[at + 2] = valueStart;
        fields[at + 3] = valueEnd;
        fieldCount++;
    }

    void host(int field) {
        if (hostCount++ == 0) {
            hostField = field;
        }
    }

    void framing(long length, boolean isChunked) {
        contentLength = length;
        chunked = isChunked;
    }

    /** The {@code Connection} header named {@code close} ({@code isClose}) or {@code keep-alive}. */
    void connectionToken(boolean isClose) {
        if (isClose) {
            close = true;
        } else {
            keepAlive = true;
        }
    }

    void end(int index) {
        end = index;
    }

    /** The index just past the empty line that ends the head: where the body, if any, starts. */
    public int end() {
        return end;
    }

    public int methodStart() {
        return methodStart;
    }

    public int methodEnd() {
        return methodEnd;
    }

    public int targetStart() {
        return targetStart;
    }

    public int targetEnd() {
        return targetEnd;
    }

    /** 0 or 1: the {@code x} of {@code HTTP/1.x}, a later 1.x read as 1.1 (RFC 9110 §2.5). */
    public int minorVersion() {
        return minorVersion;
    }

    /** Whether the method is {@code lowerOrExactName} exactly (methods are case-sensitive). */
    public boolean methodIs(AsciiString name) {
        int length = methodEnd - methodStart;
        if (length != name.length()) {
            return false;
        }
        for (int k = 0; k < length; k++) {
            if (bytes.getByte(methodStart + k) != name.byteAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** The body's length as {@code Content-Length} gave it; -1 when there is none (or it is chunked). */
    public long contentLength() {
        return contentLength;
    }

    /** Whether the body is chunked. */
    public boolean chunked() {
        return chunked;
    }

    /** Whether the client lets its connection serve another request after this one. */
    public boolean keepAlive() {
        return !close && (minorVersion >= 1 || keepAlive);
    }

    /** The first {@code Host} field's index, -1 when there is none. */
    public int hostField() {
        return hostField;
    }

    /** How many {@code Host} fields the head has (more than one is invalid: a caller's check). */
    public int hostCount() {
        return hostCount;
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

    public int nameStart(int i) {
        return fields[4 * i];
    }

    public int nameEnd(int i) {
        return fields[4 * i + 1];
    }

    public int valueStart(int i) {
        return fields[4 * i + 2];
    }

    public int valueEnd(int i) {
        return fields[4 * i + 3];
    }

    /** The method as a string: for logs and tests, not for the path of every request. */
    public String method() {
        return string(methodStart, methodEnd);
    }

    /** The request target as a string: for logs and tests. */
    public String target() {
        return string(targetStart, targetEnd);
    }

    /** Field {@code i}'s name as a string: for logs and tests. */
    public String name(int i) {
        return string(fields[4 * i], fields[4 * i + 1]);
    }

    /** Field {@code i}'s value as a string (outer whitespace removed): for logs and tests. */
    public String value(int i) {
        return string(fields[4 * i + 2], fields[4 * i + 3]);
    }

    private String string(int from, int to) {
        return bytes.toString(from, to - from, StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
        return "RequestHead(" + fieldCount + " fields)";
    }
}
