package dev.maitre.engine.http;

import static dev.maitre.engine.http.ResponseFraming.CHUNKED_TO_CLIENT;
import static dev.maitre.engine.http.ResponseFraming.CLIENT_KEEP_ALIVE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.engine.http1.ResponseDecoder;
import dev.maitre.engine.http1.ResponseHead;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every framing decision for a final response: how the body goes to the client, whether the client
 * connection stays open, whether the backend connection may be pooled again, and the head the client
 * gets, as bytes. The backend's head is decoded by the backend connections' decoder, so the rows are
 * what a backend sends. Interim (1xx) responses never reach the framing: the exchange forwards or
 * drops them before.
 */
class ResponseFramingTest {

    private static final int NONE = 0;
    /** Whether the backend connection may be pooled again: the relay's decision, checked beside the framing's. */
    private static final int BACKEND_REUSABLE = 4;

    /** The request a response answers, as far as framing cares. */
    private enum Client {
        HTTP_11(false, false, true),
        HTTP_11_HEAD(true, false, true),
        /** An HTTP/1.1 client that sent {@code Connection: close} (or a draining listener). */
        HTTP_11_NO_KEEP_ALIVE(false, false, false),
        /** An HTTP/1.0 client that sent {@code Connection: keep-alive}. */
        HTTP_10(false, true, true),
        HTTP_10_HEAD(true, true, true),
        HTTP_10_NO_KEEP_ALIVE(false, true, false);

        final boolean head;
        final boolean http10;
        final boolean keepAliveWanted;

        Client(boolean head, boolean http10, boolean keepAliveWanted) {
            this.head = head;
            this.http10 = http10;
            this.keepAliveWanted = keepAliveWanted;
        }
    }

    /** A backend's response head: version, status and headers as name, value pairs. */
    private record Backend(HttpVersion version, int status, String... headers) {

        static Backend http11(int status, String... headers) {
            return new Backend(HttpVersion.HTTP_1_1, status, headers);
        }

        static Backend http10(int status, String... headers) {
            return new Backend(HttpVersion.HTTP_1_0, status, headers);
        }

        String bytes() {
            StringBuilder head = new StringBuilder(version + " " + status + " Reason\r\n");
            for (int i = 0; i < headers.length; i += 2) {
                head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            }
            return head.append("\r\n").toString();
        }
    }

    /** One row: the backend's head to this client gives these flags and these headers (lower-case names). */
    private record Case(String name, Backend backend, Client client, int flags, String... headers) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("Content-Length body to an HTTP/1.1 client: as is, both connections kept",
                        Backend.http11(200, "Content-Length", "5"), Client.HTTP_11,
                        CLIENT_KEEP_ALIVE | BACKEND_REUSABLE, "content-length: 5"),
                new Case("chunked body to an HTTP/1.1 client: chunked again, so trailers can follow",
                        Backend.http11(200, "Transfer-Encoding", "chunked"), Client.HTTP_11,
                        CHUNKED_TO_CLIENT | CLIENT_KEEP_ALIVE | BACKEND_REUSABLE, "transfer-encoding: chunked"),
                new Case("chunked body to an HTTP/1.0 client: close-delimited, the client connection closed",
                        Backend.http11(200, "Transfer-Encoding", "chunked"), Client.HTTP_10,
                        BACKEND_REUSABLE, "connection: close"),
                new Case("close-delimited body to an HTTP/1.1 client: chunked, the backend connection not reused",
                        Backend.http11(200), Client.HTTP_11,
                        CHUNKED_TO_CLIENT | CLIENT_KEEP_ALIVE, "transfer-encoding: chunked"),
                new Case("close-delimited body to an HTTP/1.0 client: close-delimited, both connections closed",
                        Backend.http11(200), Client.HTTP_10,
                        NONE, "connection: close"),
                new Case("close-delimited body to an HTTP/1.1 client without keep-alive: chunked, then close",
                        Backend.http11(200), Client.HTTP_11_NO_KEEP_ALIVE,
                        CHUNKED_TO_CLIENT, "transfer-encoding: chunked", "connection: close"),
                new Case("HTTP/1.0 client that asked for keep-alive: told so",
                        Backend.http11(200, "Content-Length", "5"), Client.HTTP_10,
                        CLIENT_KEEP_ALIVE | BACKEND_REUSABLE, "content-length: 5", "connection: keep-alive"),
                new Case("HTTP/1.0 client without keep-alive: Connection: close, the backend connection reused",
                        Backend.http11(200, "Content-Length", "5"), Client.HTTP_10_NO_KEEP_ALIVE,
                        BACKEND_REUSABLE, "content-length: 5", "connection: close"),
                new Case("HTTP/1.1 client without keep-alive: Connection: close, the backend connection reused",
                        Backend.http11(200, "Content-Length", "5"), Client.HTTP_11_NO_KEEP_ALIVE,
                        BACKEND_REUSABLE, "content-length: 5", "connection: close"),
                new Case("backend sends Connection: close: not reused, the client connection stays open",
                        Backend.http11(200, "Content-Length", "5", "Connection", "close"), Client.HTTP_11,
                        CLIENT_KEEP_ALIVE, "content-length: 5"),
                new Case("HTTP/1.0 backend without keep-alive: not reused",
                        Backend.http10(200, "Content-Length", "5"), Client.HTTP_11,
                        CLIENT_KEEP_ALIVE, "content-length: 5"),
                new Case("HTTP/1.0 backend with Connection: keep-alive: reused",
                        Backend.http10(200, "Content-Length", "5", "Connection", "keep-alive",
                                "Keep-Alive", "timeout=5"), Client.HTTP_11,
                        CLIENT_KEEP_ALIVE | BACKEND_REUSABLE, "content-length: 5"),
                new Case("hop-by-hop headers of the backend removed, end-to-end ones kept",
                        Backend.http11(200, "Content-Length", "5", "Connection", "X-Hop", "X-Hop", "1",
                                "Upgrade", "h2c", "X-App", "1"), Client.HTTP_11,
                        CLIENT_KEEP_ALIVE | BACKEND_REUSABLE, "content-length: 5", "x-app: 1"),
                new Case("204: no body, its Content-Length dropped",
                        Backend.http11(204, "Content-Length", "0"), Client.HTTP_11,
                        CLIENT_KEEP_ALIVE | BACKEND_REUSABLE),
                new Case("204 without length: neither chunked nor close-delimited",
                        Backend.http11(204), Client.HTTP_10,
                        CLIENT_KEEP_ALIVE | BACKEND_REUSABLE, "connection: keep-alive"),
                new Case("304: no body, the Content-Length of the representation kept",
                        Backend.http11(304, "Content-Length", "1234"), Client.HTTP_11,
                        CLIENT_KEEP_ALIVE | BACKEND_REUSABLE, "content-length: 1234"),
                new Case("304 without length: neither chunked nor close-delimited",
                        Backend.http11(304), Client.HTTP_11,
                        CLIENT_KEEP_ALIVE | BACKEND_REUSABLE),
                new Case("HEAD with Content-Length: the length of the body not sent, kept",
                        Backend.http11(200, "Content-Length", "5000"), Client.HTTP_11_HEAD,
                        CLIENT_KEEP_ALIVE | BACKEND_REUSABLE, "content-length: 5000"),
                new Case("HEAD answered chunked, to an HTTP/1.1 client: Transfer-Encoding kept, no body",
                        Backend.http11(200, "Transfer-Encoding", "chunked"), Client.HTTP_11_HEAD,
                        CLIENT_KEEP_ALIVE | BACKEND_REUSABLE, "transfer-encoding: chunked"),
                new Case("HEAD answered chunked, to an HTTP/1.0 client: no Transfer-Encoding, no body",
                        Backend.http11(200, "Transfer-Encoding", "chunked"), Client.HTTP_10_HEAD,
                        CLIENT_KEEP_ALIVE | BACKEND_REUSABLE, "connection: keep-alive"),
                new Case("HEAD without length: no body, so the backend connection stays reusable",
                        Backend.http11(200), Client.HTTP_11_HEAD,
                        CLIENT_KEEP_ALIVE | BACKEND_REUSABLE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void frames(Case row) {
        Client client = row.client();
        String[] written = new String[1];
        int[] flags = new int[1];
        EmbeddedChannel backend = new EmbeddedChannel(new ResponseDecoder(), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof ResponseHead head) {
                    int framing = ResponseFraming.frame(head, client.head, client.http10, client.keepAliveWanted);
                    flags[0] = framing | (ResponseRelay.backendReusable(head, client.head) ? BACKEND_REUSABLE : 0);
                    ByteBuf out = ResponseFraming.encode(head, framing, client.head, client.http10,
                            ByteBufAllocator.DEFAULT);
                    written[0] = out.toString(StandardCharsets.ISO_8859_1);
                    out.release();
                }
                ReferenceCountUtil.release(msg);
            }
        });
        try {
            ((ResponseDecoder) backend.pipeline().first()).expectAnswer(client.head);
            backend.writeInbound(Unpooled.copiedBuffer(row.backend().bytes(), StandardCharsets.ISO_8859_1));
            assertThat(written[0]).as("the head written to the client").isNotNull();
        } finally {
            backend.finishAndReleaseAll();
        }

        assertThat(describe(flags[0])).isEqualTo(describe(row.flags()));
        String[] lines = written[0].split("\r\n", -1);
        assertThat(lines[0]).isEqualTo(HttpVersion.HTTP_1_1 + " " + row.backend().status() + " Reason");
        assertThat(written[0]).endsWith("\r\n\r\n");
        List<String> headers = new ArrayList<>();
        for (int i = 1; i < lines.length && !lines[i].isEmpty(); i++) {
            int colon = lines[i].indexOf(':');
            headers.add(lines[i].substring(0, colon).toLowerCase(Locale.ROOT) + ": " + lines[i].substring(colon + 2));
        }
        assertThat(headers).containsExactlyInAnyOrder(row.headers());
    }

    private static List<String> describe(int flags) {
        List<String> names = new ArrayList<>();
        for (Map.Entry<Integer, String> flag : Map.of(CHUNKED_TO_CLIENT, "chunked to client",
                CLIENT_KEEP_ALIVE, "client keep-alive", BACKEND_REUSABLE, "backend reusable").entrySet()) {
            if ((flags & flag.getKey()) != 0) {
                names.add(flag.getValue());
            }
        }
        names.sort(null);
        return names;
    }
}
