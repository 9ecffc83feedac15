package dev.maitre.engine.testing;

import dev.maitre.testing.HttpMessage;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The length and SHA-256 of a message body, computed as the body streams by, so that tests can
 * compare bodies of any size byte for byte without holding them.
 */
public record BodyDigest(long bytes, String sha256) {

    private static final int BUFFER = 64 * 1024;

    @Override
    public String toString() {
        return bytes + " bytes, sha256 " + sha256;
    }

    /** Reads the body of a request whose head was read with {@link HttpMessage#readHead}. */
    public static BodyDigest ofRequestBody(InputStream in, HttpMessage head, Pacer pacer) throws IOException {
        return of(in, head, false, pacer);
    }

    /** Reads the body of a response; one without framing is read until the connection closes. */
    public static BodyDigest ofResponseBody(InputStream in, HttpMessage head, Pacer pacer) throws IOException {
        return of(in, head, true, pacer);
    }

    private static BodyDigest of(InputStream in, HttpMessage head, boolean response, Pacer pacer) throws IOException {
        Sink sink = new Sink(pacer);
        if (head.isChunked()) {
            readChunked(in, sink);
        } else if (head.contentLength() >= 0) {
            sink.copy(in, head.contentLength());
        } else if (response) {
            sink.copy(in, Long.MAX_VALUE);
        }
        return sink.digest();
    }

    private static void readChunked(InputStream in, Sink sink) throws IOException {
        while (true) {
            String sizeLine = HttpMessage.readLine(in);
            if (sizeLine == null) {
                throw new EOFException("connection closed in a chunked body after " + sink.count + " bytes");
            }
            int semi = sizeLine.indexOf(';');
            long size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
            if (size == 0) {
                String trailer;
                do {
                    trailer = HttpMessage.readLine(in);
                } while (trailer != null && !trailer.isEmpty());
                return;
            }
            sink.copy(in, size);
            if (!"".equals(HttpMessage.readLine(in))) {
                throw new IOException("chunk of " + size + " bytes not followed by CRLF");
            }
        }
    }

    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Counts and hashes what it is given, pacing the reads. */
    private static final class Sink {
        private final MessageDigest sha = newSha256();
        private final byte[] buffer = new byte[BUFFER];
        private final Pacer pacer;
        private long count;

        Sink(Pacer pacer) {
            this.pacer = pacer;
        }

        /** Copies {@code length} bytes, or up to end of stream when length is Long.MAX_VALUE. */
        void copy(InputStream in, long length) throws IOException {
            long left = length;
            while (left > 0) {
                int n = in.read(buffer, 0, pacer.step((int) Math.min(buffer.length, left)));
                if (n < 0) {
                    if (length == Long.MAX_VALUE) {
                        return;
                    }
                    throw new EOFException("connection closed after " + (length - left) + " of " + length + " body bytes");
                }
                sha.update(buffer, 0, n);
                count += n;
                left -= n;
                try {
                    pacer.moved(n);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
        }

        BodyDigest digest() {
            return new BodyDigest(count, HexFormat.of().formatHex(sha.digest()));
        }
    }
}
