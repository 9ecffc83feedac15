package dev.maitre.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A header block built field by field (RFC 7541), for what an encoder would not write: uppercase
 * names, CR LF in values, fields that add to the dynamic table and are referenced again.
 */
public final class Http2HeaderBlock {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** {@code :method}, {@code :scheme http}, {@code :path}, {@code :authority}, none indexed. */
    public static Http2HeaderBlock request(String method, String path, String authority) {
        return new Http2HeaderBlock().literal(":method", method).literal(":scheme", "http").literal(":path", path)
                .literal(":authority", authority);
    }

    /** An indexed field: the static table's entry, or the dynamic table's from 62 on. */
    public Http2HeaderBlock indexed(int index) {
        integer(0x80, 7, index);
        return this;
    }

    /** A literal field without indexing, with a new name. */
    public Http2HeaderBlock literal(String name, String value) {
        out.write(0x00);
        string(name);
        string(value);
        return this;
    }

    /** A literal field with incremental indexing, with a new name: it enters the dynamic table. */
    public Http2HeaderBlock literalIndexed(String name, String value) {
        out.write(0x40);
        string(name);
        string(value);
        return this;
    }

    public byte[] bytes() {
        return out.toByteArray();
    }

    private void string(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        integer(0x00, 7, bytes.length);
        out.writeBytes(bytes);
    }

    private void integer(int firstByteBits, int prefixBits, int value) {
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            out.write(firstByteBits | value);
            return;
        }
        out.write(firstByteBits | max);
        value -= max;
        while (value >= 0x80) {
            out.write(value & 0x7f | 0x80);
            value >>>= 7;
        }
        out.write(value);
    }
}
