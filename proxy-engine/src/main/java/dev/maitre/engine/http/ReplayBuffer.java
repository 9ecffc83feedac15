package dev.maitre.engine.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import java.util.ArrayList;
import java.util.List;

/**
 * The request body sent so far, kept so that the request can be sent again on another connection
 * while no answer has begun. It holds at most {@link #LIMIT} bytes; past that the request can no
 * longer be sent again and the buffer lets go of everything ("broken").
 */
final class ReplayBuffer {

    /** Request body bytes kept so the request can be sent again. */
    static final int LIMIT = 64 * 1024;

    /** What is held; made for the first piece (most requests have no body). */
    private List<HttpContent> contents;
    private long bytes;
    private boolean broken;

    /** Whether everything sent so far is still held. */
    boolean intact() {
        return !broken;
    }

    /** Keeps a duplicate of {@code content}, which the caller still owns and sends; breaks when over the limit. */
    void keepCopy(HttpContent content) {
        if (broken) {
            return;
        }
        int size = content.content().readableBytes();
        if (bytes + size <= LIMIT) {
            held().add(content.retainedDuplicate());
            bytes += size;
        } else {
            release();
        }
    }

    /**
     * Takes {@code content} itself, whatever its size: a piece that arrives while no connection is
     * attached has nowhere else to go (at most one read, since no more is asked for meanwhile).
     */
    void take(HttpContent content) {
        held().add(content);
        bytes += content.content().readableBytes();
    }

    /** Writes what is held to {@code channel}, keeping it; breaks afterwards if it is over the limit. */
    void writeTo(Channel channel) {
        if (contents == null) {
            return;
        }
        for (int i = 0; i < contents.size(); i++) {
            channel.write(contents.get(i).retainedDuplicate(), channel.voidPromise());
        }
        if (bytes > LIMIT) {
            release();
        }
    }

    /** Empty and intact again, for another request. */
    void reset() {
        release();
        broken = false;
        bytes = 0;
    }

    /** Lets go of everything; the request can no longer be sent again. */
    void release() {
        broken = true;
        if (contents != null) {
            for (int i = 0; i < contents.size(); i++) {
                contents.get(i).release();
            }
            contents = null;
        }
    }

    private List<HttpContent> held() {
        if (contents == null) {
            contents = new ArrayList<>(2);
        }
        return contents;
    }
}
