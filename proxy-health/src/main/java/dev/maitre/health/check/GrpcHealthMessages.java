package dev.maitre.health.check;

import java.nio.charset.StandardCharsets;

/**
 * The two messages of {@code grpc.health.v1.Health/Check}, written and read by hand: a health check
 * needs one string field out and one enum field back, which does not justify a protobuf runtime.
 *
 * <pre>
 * message HealthCheckRequest  { string service = 1; }
 * message HealthCheckResponse { enum ServingStatus { UNKNOWN = 0; SERVING = 1; NOT_SERVING = 2; SERVICE_UNKNOWN = 3; }
 *                               ServingStatus status = 1; }
 * </pre>
 *
 * Each message travels in a gRPC frame: a compressed flag (0), the message's length in 4 bytes big-endian,
 * then the message.
 */
final class GrpcHealthMessages {

    static final int SERVING = 1;
    private static final String[] STATUS_NAMES = {"UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"};
    private static final int FRAME_HEADER = 5;
    private static final int WIRE_VARINT = 0;
    private static final int WIRE_FIXED64 = 1;
    private static final int WIRE_LENGTH_DELIMITED = 2;
    private static final int WIRE_FIXED32 = 5;

    private GrpcHealthMessages() {
    }

    /** The framed {@code HealthCheckRequest} asking about {@code service} ({@code ""}: the whole server). */
    static byte[] request(String service) {
        byte[] name = service.getBytes(StandardCharsets.UTF_8);
        // proto3 leaves a field at its default out: the empty name is an empty message
        int messageLength = name.length == 0 ? 0 : 1 + varintSize(name.length) + name.length;
        byte[] frame = new byte[FRAME_HEADER + messageLength];
        frame[0] = 0;
        frame[1] = (byte) (messageLength >>> 24);
        frame[2] = (byte) (messageLength >>> 16);
        frame[3] = (byte) (messageLength >>> 8);
        frame[4] = (byte) messageLength;
        if (name.length > 0) {
            int at = FRAME_HEADER;
            frame[at++] = (1 << 3) | WIRE_LENGTH_DELIMITED;
            for (int length = name.length; ; length >>>= 7) {
                if ((length & ~0x7F) == 0) {
                    frame[at++] = (byte) length;
                    break;
                }
                frame[at++] = (byte) ((length & 0x7F) | 0x80);
            }
            System.arraycopy(name, 0, frame, at, name.length);
        }
        return frame;
    }

    /**
     * The {@code status} of the one framed {@code HealthCheckResponse} in {@code body}, {@code length} bytes;
     * fields it does not know are skipped, as protobuf readers do.
     *
     * @throws IllegalArgumentException when the body is not one uncompressed, well-formed message
     */
    static int status(byte[] body, int length) {
        if (length < FRAME_HEADER) {
            throw new IllegalArgumentException("no message");
        }
        if (body[0] != 0) {
            throw new IllegalArgumentException("compressed message");
        }
        long messageLength = ((body[1] & 0xFFL) << 24) | ((body[2] & 0xFF) << 16) | ((body[3] & 0xFF) << 8)
                | (body[4] & 0xFF);
        if (messageLength != length - FRAME_HEADER) {
            throw new IllegalArgumentException("message of " + messageLength + " bytes in "
                    + (length - FRAME_HEADER));
        }
        Reader reader = new Reader(body, FRAME_HEADER, length);
        long status = 0;
        while (reader.more()) {
            long key = reader.varint();
            int field = (int) (key >>> 3);
            int wireType = (int) (key & 7);
            if (field == 1 && wireType == WIRE_VARINT) {
                status = reader.varint();
            } else {
                reader.skip(wireType);
            }
        }
        // an enum is a signed 32-bit value on the wire, a negative one sign-extended to 64 bits
        return (int) status;
    }

    /** {@code SERVING}, {@code NOT_SERVING}, ...; {@code status 7} for a value this version does not name. */
    static String statusName(int status) {
        return status >= 0 && status < STATUS_NAMES.length ? STATUS_NAMES[status] : "status " + status;
    }

    private static int varintSize(int value) {
        int size = 1;
        while ((value & ~0x7F) != 0) {
            value >>>= 7;
            size++;
        }
        return size;
    }

    /** Reads protobuf's wire format from a range of bytes; any overrun is a malformed message. */
    private static final class Reader {

        private final byte[] bytes;
        private final int end;
        private int at;

        Reader(byte[] bytes, int from, int end) {
            this.bytes = bytes;
            this.at = from;
            this.end = end;
        }

        boolean more() {
            return at < end;
        }

        long varint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = next();
                value |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("malformed varint");
        }

        void skip(int wireType) {
            switch (wireType) {
                case WIRE_VARINT -> varint();
                case WIRE_FIXED64 -> advance(8);
                case WIRE_LENGTH_DELIMITED -> {
                    long length = varint();
                    if (length < 0 || length > end - at) {
                        throw new IllegalArgumentException("field longer than the message");
                    }
                    advance((int) length);
                }
                case WIRE_FIXED32 -> advance(4);
                default -> throw new IllegalArgumentException("wire type " + wireType);
            }
        }

        private byte next() {
            if (at >= end) {
                throw new IllegalArgumentException("truncated message");
            }
            return bytes[at++];
        }

        private void advance(int count) {
            if (count > end - at) {
                throw new IllegalArgumentException("truncated message");
            }
            at += count;
        }
    }
}
