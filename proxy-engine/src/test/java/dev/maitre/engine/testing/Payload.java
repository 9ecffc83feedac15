package dev.maitre.engine.testing;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * A body of pseudo-random bytes drawn from a seed, produced block by block: tests send gigabytes
 * through the proxy without holding them, and compare what arrives by its {@link BodyDigest}.
 */
public final class Payload {

    private static final int BLOCK = 64 * 1024;

    private final long size;
    private final long seed;

    private Payload(long size, long seed) {
        this.size = size;
        this.seed = seed;
    }

    public static Payload of(long size, long seed) {
        return new Payload(size, seed);
    }

    public long size() {
        return size;
    }

    /** The digest of this payload, computed without sending it. */
    public BodyDigest digest() throws IOException {
        return writeTo(OutputStream.nullOutputStream(), Pacer.fullSpeed());
    }

    /** Writes the bytes as they are (for a Content-Length body or a close-delimited one). */
    public BodyDigest writeTo(OutputStream out, Pacer pacer) throws IOException {
        return write(out, 0, pacer);
    }

    /** Writes the bytes in chunks of at most {@code chunkSize}, then the last chunk without trailers. */
    public BodyDigest writeChunkedTo(OutputStream out, int chunkSize, Pacer pacer) throws IOException {
        BodyDigest digest = write(out, chunkSize, pacer);
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return digest;
    }

    private BodyDigest write(OutputStream out, int chunkSize, Pacer pacer) throws IOException {
        // A chunk goes out in one write: header, data and CRLF in separate small writes would meet Nagle.
        OutputStream sink = chunkSize > 0 ? new BufferedOutputStream(out, BLOCK + 32) : out;
        SplittableRandom random = new SplittableRandom(seed);
        MessageDigest sha = BodyDigest.newSha256();
        byte[] block = new byte[BLOCK];
        long left = size;
        while (left > 0) {
            int length = (int) Math.min(BLOCK, left);
            random.nextBytes(block);
            sha.update(block, 0, length);
            int offset = 0;
            while (offset < length) {
                int n = pacer.step(Math.min(length - offset, chunkSize > 0 ? chunkSize : length));
                if (chunkSize > 0) {
                    sink.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                }
                sink.write(block, offset, n);
                if (chunkSize > 0) {
                    sink.write('\r');
                    sink.write('\n');
                    sink.flush();
                }
                offset += n;
                try {
                    pacer.moved(n);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
            left -= length;
        }
        out.flush();
        return new BodyDigest(size, HexFormat.of().formatHex(sha.digest()));
    }
}
