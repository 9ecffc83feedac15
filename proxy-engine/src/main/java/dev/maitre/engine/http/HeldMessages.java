package dev.maitre.engine.http;

import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * What the decoder produced from a client connection beyond the one message asked for (a request
 * head and its end, pipelined requests), oldest first, waiting to be asked for. Counts the requests
 * among them, which {@code limits.pipelinedRequests} bounds. Made only for a connection that has
 * more than one message to hold (see {@link RequestPull}).
 */
final class HeldMessages {

    private final ArrayDeque<Object> messages = new ArrayDeque<>(4);
    private int requests;

    void add(Object msg) {
        if (msg instanceof ClientRequest) {
            requests++;
        }
        messages.add(msg);
    }

    /** The oldest message, or {@code null}. */
    Object poll() {
        Object next = messages.poll();
        if (next instanceof ClientRequest) {
            requests--;
        }
        return next;
    }

    boolean isEmpty() {
        return messages.isEmpty();
    }

    /** Requests waiting. */
    int requests() {
        return requests;
    }

    /** Whether the end of a request waits here. */
    boolean holdsRequestEnd() {
        for (Object msg : messages) {
            if (msg instanceof LastHttpContent) {
                return true;
            }
        }
        return false;
    }

    void releaseAll() {
        for (Object msg = messages.poll(); msg != null; msg = messages.poll()) {
            ReferenceCountUtil.release(msg);
        }
        requests = 0;
    }
}
