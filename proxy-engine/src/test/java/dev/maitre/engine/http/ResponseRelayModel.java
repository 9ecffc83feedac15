package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The response side of {@link ProxyExchange}, step for step, for the fuzz test: what it makes of each
 * message from the backend codec, what it writes to the client's encoder, and what it decides about
 * both connections, with {@link ResponseFraming}'s rules checked on every final head.
 */
final class ResponseRelayModel {

    enum State { WAITING, INTERIM, STARTED, DONE, FAILED, ABORTED }

    final boolean head;
    final boolean http10Client;
    final boolean keepAliveWanted;
    final ClientResponseEncoder encoder = new ClientResponseEncoder();
    State state = State.WAITING;
    int status;
    int framing;
    boolean chunkedToClient;
    boolean clientKeepAlive;
    boolean closeDelimitedToClient;
    boolean extraAfterResponse;
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    List<Map.Entry<String, String>> trailers = List.of();

    ResponseRelayModel(boolean head, boolean http10Client, boolean keepAliveWanted) {
        this.head = head;
        this.http10Client = http10Client;
        this.keepAliveWanted = keepAliveWanted;
        encoder.answeringHead(head);
    }

    HttpMethod method() {
        return head ? HttpMethod.HEAD : HttpMethod.GET;
    }

    /** Whether the backend connection would now sit in its pool. */
    boolean pooled() {
        return state == State.DONE && (framing & ResponseFraming.BACKEND_REUSABLE) != 0 && !extraAfterResponse;
    }

    void onBackendRead(Object msg, EmbeddedChannel client) {
        if (!(msg instanceof HttpObject)) {
            // Raw bytes follow a switch of protocols, which the exchange refuses or, after its
            // response, no longer hears: it has let go of the connection, whose BackendConnection
            // drops them and closes.
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
        if (msg instanceof HttpResponse response && !onHead(response, client)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpContent content) {
            onContent(content, client);
        }
    }

    private boolean onHead(HttpResponse response, EmbeddedChannel client) {
        if (response.decoderResult().isFailure()) {
            fail();
            return false;
        }
        int code = response.status().code();
        if (code < 100 || code == 101 || response.protocolVersion().majorVersion() != 1
                || !ResponseFraming.isValidReasonPhrase(response.status().reasonPhrase())
                || !ResponseFraming.hasCleanFieldValues(response.headers())) {
            fail();
            return false;
        }
        if (code < 200) {
            state = State.INTERIM;
            if (!http10Client) {
                HopByHopHeaders.strip(response.headers());
                client.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, response.status(),
                        Unpooled.EMPTY_BUFFER, response.headers(), EmptyHttpHeaders.INSTANCE));
            }
            return true;
        }
        status = code;
        state = State.STARTED;
        boolean bodyless = head || code == 204 || code == 304;
        boolean hasLength = response.headers().contains(HttpHeaderNames.CONTENT_LENGTH);
        boolean chunkedFromBackend = HttpUtil.isTransferEncodingChunked(response);
        boolean backendKeepAlive = HttpUtil.isKeepAlive(response);
        List<String> named = new ArrayList<>();
        response.headers().getAll(HttpHeaderNames.CONNECTION)
                .forEach(v -> Arrays.stream(v.split(",")).map(String::trim).filter(t -> !t.isEmpty()).forEach(named::add));

        framing = ResponseFraming.frame(response, head, http10Client, keepAliveWanted);
        chunkedToClient = (framing & ResponseFraming.CHUNKED_TO_CLIENT) != 0;
        clientKeepAlive = (framing & ResponseFraming.CLIENT_KEEP_ALIVE) != 0;
        boolean reusable = (framing & ResponseFraming.BACKEND_REUSABLE) != 0;
        HttpHeaders headers = response.headers();
        closeDelimitedToClient = !bodyless && !chunkedToClient && !headers.contains(HttpHeaderNames.CONTENT_LENGTH);

        assertThat(response.protocolVersion()).isEqualTo(HttpVersion.HTTP_1_1);
        if (bodyless) {
            assertThat(chunkedToClient).as("HEAD, 204 and 304 carry no body").isFalse();
        }
        if (code == 204) {
            assertThat(headers.contains(HttpHeaderNames.CONTENT_LENGTH)).as("204 with Content-Length").isFalse();
        }
        if (!bodyless && !hasLength && !http10Client) {
            assertThat(chunkedToClient).as("a body without length to an HTTP/1.1 client is chunked").isTrue();
            assertThat(headers.getAll(HttpHeaderNames.TRANSFER_ENCODING)).containsExactly("chunked");
        }
        if (chunkedToClient) {
            assertThat(headers.contains(HttpHeaderNames.CONTENT_LENGTH)).as("chunked and Content-Length").isFalse();
        }
        if (closeDelimitedToClient) {
            assertThat(clientKeepAlive).as("a close-delimited body ends the client connection").isFalse();
        }
        if (clientKeepAlive) {
            assertThat(keepAliveWanted).as("kept open though not wanted").isTrue();
        } else {
            assertThat(headers.get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
        }
        if (clientKeepAlive && http10Client) {
            assertThat(headers.get(HttpHeaderNames.CONNECTION)).isEqualTo("keep-alive");
        }
        if (reusable) {
            assertThat(backendKeepAlive).as("reused though the backend did not keep it alive").isTrue();
            assertThat(bodyless || hasLength || chunkedFromBackend).as("reused after a close-delimited body")
                    .isTrue();
        }
        for (CharSequence hopByHop : List.of("keep-alive", "proxy-connection", HttpHeaderNames.TE,
                HttpHeaderNames.TRAILER, HttpHeaderNames.UPGRADE)) {
            assertThat(headers.contains(hopByHop)).as("hop-by-hop %s relayed", hopByHop).isFalse();
        }
        for (String name : named) {
            if (!HttpHeaderNames.CONNECTION.contentEqualsIgnoreCase(name)
                    && !HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name)
                    && !HttpHeaderNames.TRANSFER_ENCODING.contentEqualsIgnoreCase(name)) {
                assertThat(headers.contains(name)).as("header %s named in Connection relayed", name).isFalse();
            }
        }
        List<String> connection = headers.getAll(HttpHeaderNames.CONNECTION);
        assertThat(connection).isSubsetOf(HttpHeaderValues.CLOSE.toString(), HttpHeaderValues.KEEP_ALIVE.toString());
        client.writeOutbound(response);
        return true;
    }

    private void onContent(HttpContent content, EmbeddedChannel client) {
        if (content.decoderResult().isFailure()) {
            content.release();
            if (state == State.STARTED) {
                state = State.ABORTED;
            } else {
                fail();
            }
            return;
        }
        boolean last = content instanceof LastHttpContent;
        if (state == State.INTERIM) {
            content.release();
            if (last) {
                state = State.WAITING;
            }
            return;
        }
        if (state != State.STARTED) {
            content.release();
            return;
        }
        ByteBuf bytes = content.content();
        byte[] copy = new byte[bytes.readableBytes()];
        bytes.getBytes(bytes.readerIndex(), copy);
        body.writeBytes(copy);
        if (!last) {
            client.writeOutbound(content);
            return;
        }
        LastHttpContent end = (LastHttpContent) content;
        if (!ResponseFraming.hasCleanFieldValues(end.trailingHeaders())) {
            // Trailers a client would read otherwise: the answer is cut off, as for a bad chunk.
            end.release();
            state = State.ABORTED;
            return;
        }
        trailers = entries(end.trailingHeaders());
        if (chunkedToClient || end.trailingHeaders().isEmpty()) {
            client.writeOutbound(end);
        } else {
            if (end.content().isReadable()) {
                client.writeOutbound(new DefaultHttpContent(end.content().retain()));
            }
            end.release();
            client.writeOutbound(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        state = State.DONE;
    }

    private void fail() {
        state = State.FAILED;
    }

    private static List<Map.Entry<String, String>> entries(HttpHeaders headers) {
        List<Map.Entry<String, String>> entries = new ArrayList<>();
        headers.forEach(e -> entries.add(Map.entry(e.getKey(), e.getValue())));
        return entries;
    }
}
