package dev.maitre.engine.http;

import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.StreamByteDistributor;
import io.netty.handler.codec.http2.UniformStreamByteDistributor;

/**
 * Netty's byte distributor for a client connection's answers, which also tells the connection how
 * many answer bytes its flow controller holds for each stream (written by the exchange, waiting for
 * the client's window): the flow controller reports every change of a stream's pending bytes to its
 * distributor, and keeps no total of its own that it would show.
 */
final class Http2AnswerBytes implements StreamByteDistributor {

    private final StreamByteDistributor distributor;
    private Http2ClientConnection connection;

    Http2AnswerBytes(Http2Connection connection) {
        // Priorities are deprecated (RFC 9113 §5.3.2) and HAProxy and nginx ignore them: the streams share
        // the client's window in turn, which costs no dependency tree per stream.
        this.distributor = new UniformStreamByteDistributor(connection);
    }

    /** The connection told of the bytes; until it is known (no stream is open yet), nobody is. */
    void tell(Http2ClientConnection owner) {
        this.connection = owner;
    }

    @Override
    public void updateStreamableBytes(StreamState state) {
        if (connection != null) {
            connection.answerPending(state.stream(), state.pendingBytes());
        }
        distributor.updateStreamableBytes(state);
    }

    @Override
    public void updateDependencyTree(int childStreamId, int parentStreamId, short weight, boolean exclusive) {
        distributor.updateDependencyTree(childStreamId, parentStreamId, weight, exclusive);
    }

    @Override
    public boolean distribute(int maxBytes, Writer writer) throws Http2Exception {
        return distributor.distribute(maxBytes, writer);
    }
}
