package dev.maitre.engine.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * A request head on its way to a backend, encoded: what the backend connection's codec needs to
 * frame the body after it (chunked or as it is) and to read the answer (none has a body after a
 * HEAD request; after an upgrade request, a {@code 101} ends HTTP on the connection).
 */
public final class OutgoingHead extends DefaultByteBufHolder {

    private final boolean chunked;
    private final boolean headRequest;
    private final boolean upgrade;

    public OutgoingHead(ByteBuf bytes, boolean chunked, boolean headRequest) {
        this(bytes, chunked, headRequest, false);
    }

    public OutgoingHead(ByteBuf bytes, boolean chunked, boolean headRequest, boolean upgrade) {
        super(bytes);
        this.chunked = chunked;
        this.headRequest = headRequest;
        this.upgrade = upgrade;
    }

    /** Whether the request asks for an upgrade, which a {@code 101} answer accepts. */
    public boolean upgrade() {
        return upgrade;
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
