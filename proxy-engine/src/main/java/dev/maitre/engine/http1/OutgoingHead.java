package dev.maitre.engine.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * A request head on its way to a backend, encoded: what the backend connection's codec needs to
 * frame the body after it (chunked or as it is) and to read the answer (none has a body after a
 * HEAD request).
 */
public final class OutgoingHead extends DefaultByteBufHolder {

    private final boolean chunked;
    private final boolean headRequest;

    public OutgoingHead(ByteBuf bytes, boolean chunked, boolean headRequest) {
        super(bytes);
        this.chunked = chunked;
        this.headRequest = headRequest;
    }

    /** Whether the body that follows goes in chunks. */
    public boolean chunked() {
        return chunked;
    }

    /** Whether the request is a HEAD request, whose answer has no body. */
    public boolean headRequest() {
        return headRequest;
    }
}
