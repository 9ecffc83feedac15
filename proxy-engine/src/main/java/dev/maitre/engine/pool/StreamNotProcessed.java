package dev.maitre.engine.pool;

import java.io.IOException;

/**
 * An HTTP/2 backend says it did not process a request: it refused the stream
 * ({@code REFUSED_STREAM}), its {@code GOAWAY} names a last stream below it, or the stream could not
 * be opened at all. Such a request may go out again whatever its method (RFC 9113 §8.7).
 */
public final class StreamNotProcessed extends IOException {

    public StreamNotProcessed(String message) {
        super(message);
    }
}
