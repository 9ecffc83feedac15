package dev.maitre.engine.http1;

import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;

/**
 * A request head as a client sent it: the request line's parts and the fields as offsets into the
 * bytes they arrived in, with what framing and routing need read out of them once. Nothing is turned
 * into a string or a map.
 *
 * <p>Borrowed, not owned: the bytes are the connection's and the object is too, filled again by
 * {@link RequestHeadParser} for its next head. It is valid only while those bytes are unchanged.
 */
public final class RequestHead extends HeadFields {

    private int methodStart;
    private int methodEnd;
    private int targetStart;
    private int targetEnd;
    private int end;
    /** Bytes of the field lines without their CRLFs, as counted against the header limit. */
    private int fieldBytes;
    private boolean requestLineRead;
    private int hostField;
    private int hostCount;

    /** Starts a new head in {@code buffer}; what was there before is forgotten. */
    public RequestHead() {
        super(Integer.MAX_VALUE);
    }

    void reset(ByteBuf buffer) {
        resetFields(buffer);
        hostField = -1;
        hostCount = 0;
        end = -1;
        requestLineRead = false;
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
        shiftFields(delta);
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
        minorVersion(minor);
        requestLineRead = true;
    }

    void host(int field) {
        if (hostCount++ == 0) {
            hostField = field;
        }
    }

    void framing(long length, boolean isChunked) {
        contentLength(length);
        chunked(isChunked);
    }

    void end(int index, int fieldLineBytes) {
        end = index;
        fieldBytes = fieldLineBytes;
    }

    /** A refusal came before the request line counted as read: nothing of it is to be trusted. */
    void forgetRequestLine() {
        requestLineRead = false;
    }

    /** Whether the request line was read (also for a head refused later): its method and version can be told. */
    public boolean requestLineRead() {
        return requestLineRead;
    }

    /** The bytes of the field lines without their CRLFs: what the head took of the header limit. */
    public int fieldBytes() {
        return fieldBytes;
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

    /** The first {@code Host} field's index, -1 when there is none. */
    public int hostField() {
        return hostField;
    }

    /** How many {@code Host} fields the head has (more than one is invalid: a caller's check). */
    public int hostCount() {
        return hostCount;
    }

    /** The method as a string: for logs and tests, not for the path of every request. */
    public String method() {
        return string(methodStart, methodEnd);
    }

    /** The request target as a string: for logs and tests. */
    public String target() {
        return string(targetStart, targetEnd);
    }

    @Override
    public String toString() {
        return "RequestHead(" + fieldCount() + " fields)";
    }
}
