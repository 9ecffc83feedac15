package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.engine.http1.ResponseHead;
import dev.maitre.engine.relay.PairRelay;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The response side of {@link ProxyExchange} for the fuzz test: the production {@link ResponseRelay}
 * fed with what the backend codec decodes, as the exchange feeds it, and writing through the
 * production {@link ClientResponseWriter} onto an embedded client channel. It records what the
 * backend's answer was (status, body, trailers, the names its {@code Connection} fields list) and
 * what the relay decided, for the test to compare with what a client reads back.
 */
final class ResponseRelayModel implements ClientSide {

    enum State { WAITING, INTERIM, STARTED, DONE, FAILED, ABORTED }

    final boolean head;
    final boolean http10Client;
    final boolean keepAliveWanted;
    private final ResponseRelay relay;
    private final ClientResponseWriter writer = new ClientResponseWriter();
    private final EmbeddedChannel client;
    private final ChannelHandlerContext ctx;
    State state = State.WAITING;
    int status;
    boolean chunkedFromBackend;
    boolean backendKeepAlive;
    long backendLength = -1;
    boolean extraAfterResponse;
    final List<String> connectionNames = new ArrayList<>();
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    List<Map.Entry<String, String>> trailers = List.of();

    ResponseRelayModel(boolean head, boolean http10Client, boolean keepAliveWanted, EmbeddedChannel client) {
        this.head = head;
        this.http10Client = http10Client;
        this.keepAliveWanted = keepAliveWanted;
        this.client = client;
        this.relay = new ResponseRelay(this, head);
        client.pipeline().addLast(new ChannelInboundHandlerAdapter());
        this.ctx = client.pipeline().lastContext();
        writer.startAnswer(head, http10Client);
    }

    HttpMethod method() {
        return head ? HttpMethod.HEAD : HttpMethod.GET;
    }

    boolean clientKeepAlive() {
        return relay.clientKeepAlive();
    }

    /** Whether the backend connection would now sit in its pool. */
    boolean pooled() {
        return state == State.DONE && relay.backendReusable() && !extraAfterResponse;
    }

    /** As {@link ProxyExchange#onBackendRead}: a decoder failure ends the try, the rest goes to the relay. */
    void onBackendRead(Object msg) {
        if (!(msg instanceof HttpObject) && !(msg instanceof ResponseHead)) {
            assertThat(state).as("raw bytes from the decoder").isIn(State.FAILED, State.DONE);
            ReferenceCountUtil.release(msg);
            return;
        }
        if (state == State.DONE) {
            // BackendConnection closes an idle connection on any message.
            extraAfterResponse = true;
            ReferenceCountUtil.release(msg);
            return;
        }
        if (state == State.FAILED || state == State.ABORTED) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpObject decoded && decoded.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            state = state == State.STARTED ? State.ABORTED : State.FAILED;
            return;
        }
        if (msg instanceof ResponseHead response) {
            onHead(response);
            return;
        }
        HttpContent content = (HttpContent) msg;
        boolean last = content instanceof LastHttpContent;
        switch (relay.onContent(content)) {
            case LAST -> state = State.DONE;
            case INVALID -> state = State.ABORTED;
            case MORE -> {
                if (last && state == State.INTERIM) {
                    state = State.WAITING;
                }
            }
        }
    }

    private void onHead(ResponseHead response) {
        if (response.status() >= 200) {
            status = response.status();
            chunkedFromBackend = response.chunked();
            backendKeepAlive = response.keepAlive();
            backendLength = response.contentLength();
            for (int i = 0; i < response.fieldCount(); i++) {
                if (response.nameIs(i, HttpHeaderNames.CONNECTION)) {
                    for (String token : response.value(i).split(",")) {
                        if (!token.trim().isEmpty()) {
                            connectionNames.add(token.trim());
                        }
                    }
                }
            }
        }
        switch (relay.onHead(response, keepAliveWanted)) {
            case INVALID -> state = State.FAILED;
            case INTERIM -> state = State.INTERIM;
            case FINAL -> state = State.STARTED;
        }
    }

    @Override
    public void writeInterim(ResponseHead response) {
        writer.interim(ctx, response);
    }

    @Override
    public boolean writeHead(ResponseHead response, boolean keepAlive) {
        return writer.head(ctx, response, keepAlive);
    }

    @Override
    public void writeBody(ByteBuf data) {
        keep(data);
        writer.body(ctx, data);
    }

    @Override
    public void writeEnd(LastHttpContent last) {
        keep(last.content());
        List<Map.Entry<String, String>> kept = new ArrayList<>();
        last.trailingHeaders().forEach(e -> kept.add(Map.entry(e.getKey(), e.getValue())));
        trailers = kept;
        writer.end(ctx, last);
    }

    private void keep(ByteBuf data) {
        byte[] copy = new byte[data.readableBytes()];
        data.getBytes(data.readerIndex(), copy);
        body.writeBytes(copy);
    }

    @Override
    public void requestRead() {
    }

    @Override
    public void flush() {
        client.flush();
    }

    @Override
    public boolean isWritable() {
        return true;
    }

    @Override
    public EventLoop eventLoop() {
        return client.eventLoop();
    }

    @Override
    public boolean closing() {
        return false;
    }

    @Override
    public String remoteAddress() {
        return "198.51.100.7";
    }


    @Override

    public javax.net.ssl.SSLSession tlsSession() {

        return null;

    }

    @Override
    public void armExchangeTimer(long nanos) {
    }

    @Override
    public void cancelExchangeTimer() {
    }

    @Override
    public void exchangeFinished(boolean keepAlive) {
    }

    @Override
    public void respondWithError(Rejection rejection, boolean keepAlive, boolean http10) {
    }

    @Override
    public void abort() {
    }

    @Override
    public void openTunnel(ResponseHead head, Channel backend, PairRelay.Owner owner, PairRelay.Traffic traffic) {
        throw new UnsupportedOperationException("no request of the model asks for an upgrade");
    }
}
