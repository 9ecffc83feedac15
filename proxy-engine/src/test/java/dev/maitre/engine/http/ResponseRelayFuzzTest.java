package dev.maitre.engine.http;

import dev.maitre.engine.testing.CountedBuffers;
import dev.maitre.engine.testing.FuzzInputs;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.maitre.engine.http1.ResponseHead;
import dev.maitre.engine.pool.BackendCodec;
import dev.maitre.testing.LeakReports;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Arbitrary bytes as a backend's answer, decoded as backend connections decode them and relayed the
 * way {@link ProxyExchange} relays them ({@link ResponseRelayModel} mirrors its steps): nothing escapes,
 * nothing leaks, the framing toward the client follows {@link ResponseFraming}'s rules, the client
 * reads back exactly the backend's response, and a connection that would go back to its pool reads
 * the next answer cleanly.
 *
 * <p>The first byte of an input sets the exchange: bit 0 a HEAD request, bit 1 an HTTP/1.0 client,
 * bit 2 a client connection that may stay open, bit 3 the backend closing after its bytes; so a
 * seed reads as a digit followed by a response ({@code 4HTTP/1.1 200 OK...}: GET from an HTTP/1.1
 * keep-alive client). The rest arrives in pieces cut where the input's hash says.
 */
class ResponseRelayFuzzTest {

    private static final byte[] NEXT_ANSWER = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
            .getBytes(StandardCharsets.US_ASCII);

    @FuzzTest(maxDuration = "60s")
    void backendAnswersAreRelayedWithOneFramingAndOnlyCleanConnectionsArePooled(byte[] input) {
        if (input.length == 0) {
            return;
        }
        boolean backendCloses = (input[0] & 8) != 0;
        byte[] answer = Arrays.copyOfRange(input, 1, input.length);
        CountedBuffers alloc = new CountedBuffers();
        EmbeddedChannel client = new EmbeddedChannel();
        client.config().setAllocator(alloc);
        ResponseRelayModel exchange = new ResponseRelayModel((input[0] & 1) != 0, (input[0] & 2) != 0,
                (input[0] & 4) != 0, client);
        BackendCodec codec = new BackendCodec();
        EmbeddedChannel backend = channel(alloc, codec);
        // As the backend connection does: each message handled as it is fired (a head's bytes are the decoder's).
        AtomicReference<Consumer<Object>> reader = new AtomicReference<>(exchange::onBackendRead);
        backend.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                reader.get().accept(msg);
            }
        });
        try {
            sendRequest(backend, exchange.method());
            int offset = 0;
            for (int cut : FuzzInputs.cuts(answer, 512)) {
                backend.writeInbound(alloc.copyOf(answer, offset, cut));
                offset += cut;
            }
            if (backendCloses) {
                backend.close();
            }
            backend.checkException();
            client.checkException();
            // BackendPool keeps a connection only while its codec is at a response boundary.
            if (exchange.pooled() && !backendCloses && codec.atResponseBoundary()) {
                assertNextAnswerReadCleanly(alloc, backend, reader, input);
            }
            if (exchange.state != ResponseRelayModel.State.WAITING && exchange.state != ResponseRelayModel.State.FAILED) {
                assertClientReadsTheResponse(alloc, exchange, drainOutbound(client), input);
            }
        } finally {
            backend.finishAndReleaseAll();
            // What was written and never flushed (an answer cut off) is released, not failed, on close.
            client.flush();
            client.finishAndReleaseAll();
        }
        alloc.assertAllReleased("relaying " + FuzzInputs.printable(input));
        assertThat(LeakReports.drain()).as("leaks reported by Netty").isEmpty();
    }

    /** A connection kept for the next request must hold nothing of the last answer. */
    private static void assertNextAnswerReadCleanly(CountedBuffers alloc, EmbeddedChannel backend,
                                                    AtomicReference<Consumer<Object>> reader, byte[] input) {
        int[] status = new int[1];
        int[] afterEnd = new int[1];
        boolean[] complete = new boolean[1];
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        reader.set(msg -> {
            if (complete[0]) {
                afterEnd[0]++;
            } else if (msg instanceof ResponseHead head) {
                status[0] = head.status();
            } else if (msg instanceof HttpContent content) {
                byte[] copy = new byte[content.content().readableBytes()];
                content.content().getBytes(content.content().readerIndex(), copy);
                body.writeBytes(copy);
                complete[0] = content instanceof LastHttpContent && !content.decoderResult().isFailure();
            }
            ReferenceCountUtil.release(msg);
        });
        sendRequest(backend, HttpMethod.GET);
        backend.writeInbound(alloc.copyOf(NEXT_ANSWER, 0, NEXT_ANSWER.length));
        assertThat(status[0]).as("next answer on the pooled connection after %s",
                FuzzInputs.printable(input)).isEqualTo(200);
        assertThat(complete[0]).isTrue();
        assertThat(new String(body.toByteArray(), StandardCharsets.US_ASCII)).isEqualTo("ok");
        assertThat(afterEnd[0]).isZero();
    }

    /** What the client decodes from the bytes relayed to it is the backend's response, framed once. */
    private static void assertClientReadsTheResponse(CountedBuffers alloc, ResponseRelayModel exchange, byte[] relayed,
                                                     byte[] input) {
        boolean finalHead = exchange.state != ResponseRelayModel.State.INTERIM;
        if (finalHead) {
            assertFramedOnce(exchange, relayed, FuzzInputs.printable(input) + " relayed as "
                    + FuzzInputs.printable(relayed));
        }
        EmbeddedChannel client = channel(alloc, new HttpClientCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(65536).setMaxHeaderSize(1 << 20), false, false));
        List<Object> objects = new ArrayList<>();
        try {
            sendRequest(client, exchange.method());
            client.writeInbound(alloc.copyOf(relayed, 0, relayed.length));
            drainInbound(client, objects);
            Read beforeClose = Read.of(objects);
            String what = FuzzInputs.printable(input) + " relayed as "
                    + FuzzInputs.printable(relayed);
            if (exchange.state == ResponseRelayModel.State.DONE && exchange.clientKeepAlive()) {
                assertThat(beforeClose.complete()).as("self-delimited response on a kept connection: %s", what)
                        .isTrue();
                assertThat(beforeClose.rest()).as("bytes after the response: %s", what).isZero();
            }
            client.close();
            drainInbound(client, objects);
            Read read = Read.of(objects);
            if (exchange.state == ResponseRelayModel.State.DONE) {
                assertThat(read.status()).as(what).isEqualTo(exchange.status);
                assertThat(read.complete()).as("complete: %s", what).isTrue();
                assertThat(read.body()).as("body: %s", what).isEqualTo(exchange.body.toByteArray());
                if (chunkedToClient(exchange, relayed)) {
                    assertThat(read.trailers()).as("trailers: %s", what).isEqualTo(exchange.trailers);
                }
            } else if (finalHead && !closeDelimited(exchange, relayed)) {
                assertThat(read.complete()).as("a cut-off answer must not look complete: %s", what).isFalse();
            }
        } finally {
            client.finishAndReleaseAll();
            objects.forEach(ReferenceCountUtil::release);
        }
    }

    /**
     * The final head as the client received it, field by field, against the framing rules: the
     * client's version, {@code Connection} said when it matters, no hop-by-hop field (nor one the
     * backend's {@code Connection} named), one framing, and the backend connection kept only when
     * its answer ended by itself.
     */
    private static void assertFramedOnce(ResponseRelayModel exchange, byte[] relayed, String what) {
        List<String[]> fields = finalHead(new String(relayed, StandardCharsets.ISO_8859_1));
        boolean bodyless = exchange.head || exchange.status == 204 || exchange.status == 304;
        boolean chunkedToClient = values(fields, "transfer-encoding").contains("chunked");
        boolean hasLength = !values(fields, "content-length").isEmpty();
        assertThat(values(fields, "transfer-encoding")).as("transfer codings: %s", what).isSubsetOf("chunked");
        assertThat(values(fields, "transfer-encoding")).as("transfer codings: %s", what).hasSizeLessThan(2);
        assertThat(chunkedToClient && hasLength).as("chunked and Content-Length: %s", what).isFalse();
        if (exchange.status == 204) {
            assertThat(hasLength).as("204 with Content-Length: %s", what).isFalse();
        }
        if (!bodyless && exchange.backendLength < 0 && !exchange.http10Client) {
            assertThat(chunkedToClient).as("a body without length to an HTTP/1.1 client is chunked: %s", what)
                    .isTrue();
        }
        if (chunkedToClient && !exchange.head) {
            assertThat(exchange.http10Client).as("chunked to an HTTP/1.0 client: %s", what).isFalse();
        }
        boolean closeDelimited = !bodyless && !chunkedToClient && !hasLength;
        if (closeDelimited || !exchange.clientKeepAlive()) {
            assertThat(values(fields, "connection")).as("Connection: %s", what).containsExactly("close");
        } else if (exchange.http10Client) {
            assertThat(values(fields, "connection")).as("Connection: %s", what).containsExactly("keep-alive");
        } else {
            assertThat(values(fields, "connection")).as("Connection: %s", what).isEmpty();
        }
        if (exchange.clientKeepAlive()) {
            assertThat(exchange.keepAliveWanted).as("kept open though not wanted: %s", what).isTrue();
        }
        if (exchange.pooled()) {
            assertThat(exchange.backendKeepAlive).as("reused though the backend did not keep it alive").isTrue();
            assertThat(bodyless || exchange.backendLength >= 0 || exchange.chunkedFromBackend)
                    .as("reused after a close-delimited body: %s", what).isTrue();
        }
        for (String hopByHop : List.of("keep-alive", "proxy-connection", "te", "trailer", "upgrade")) {
            assertThat(values(fields, hopByHop)).as("hop-by-hop %s relayed: %s", hopByHop, what).isEmpty();
        }
        for (String name : exchange.connectionNames) {
            String lower = name.toLowerCase(java.util.Locale.ROOT);
            if (!List.of("connection", "content-length", "transfer-encoding", "host").contains(lower)) {
                assertThat(values(fields, lower)).as("%s named in Connection relayed: %s", name, what).isEmpty();
            }
        }
    }

    /** The fields of the first final (non-1xx) head in {@code text}, as lower-case name and value. */
    private static List<String[]> finalHead(String text) {
        int at = 0;
        while (true) {
            int end = text.indexOf("\r\n\r\n", at);
            assertThat(end).as("a whole head in %s", text).isNotNegative();
            String[] lines = text.substring(at, end).split("\r\n");
            assertThat(lines[0]).startsWith("HTTP/1.1 ");
            at = end + 4;
            if (lines[0].charAt(9) == '1') {
                continue;
            }
            List<String[]> fields = new ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                fields.add(new String[] {lines[i].substring(0, colon).toLowerCase(java.util.Locale.ROOT),
                    lines[i].substring(colon + 1).trim()});
            }
            return fields;
        }
    }

    private static List<String> values(List<String[]> fields, String name) {
        return fields.stream().filter(f -> f[0].equals(name)).map(f -> f[1]).toList();
    }

    private static boolean chunkedToClient(ResponseRelayModel exchange, byte[] relayed) {
        List<String[]> fields = finalHead(new String(relayed, StandardCharsets.ISO_8859_1));
        return !exchange.head && values(fields, "transfer-encoding").contains("chunked");
    }

    private static boolean closeDelimited(ResponseRelayModel exchange, byte[] relayed) {
        List<String[]> fields = finalHead(new String(relayed, StandardCharsets.ISO_8859_1));
        boolean bodyless = exchange.head || exchange.status == 204 || exchange.status == 304;
        return !bodyless && values(fields, "transfer-encoding").isEmpty() && values(fields, "content-length").isEmpty();
    }

    private static EmbeddedChannel channel(CountedBuffers alloc, io.netty.channel.ChannelHandler handler) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(alloc);
        channel.pipeline().addLast(handler);
        return channel;
    }

    private static void sendRequest(EmbeddedChannel channel, HttpMethod method) {
        channel.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, "/"));
        drainOutbound(channel);
    }

    private static byte[] drainOutbound(EmbeddedChannel channel) {
        // The exchange flushes the client at the end of each backend read; the test once, here.
        channel.flush();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Object msg;
        while ((msg = channel.readOutbound()) != null) {
            ByteBuf buf = (ByteBuf) msg;
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            buf.release();
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }

    private static void drainInbound(EmbeddedChannel channel, List<Object> into) {
        Object msg;
        while ((msg = channel.readInbound()) != null) {
            into.add(msg);
        }
    }

    private static List<Map.Entry<String, String>> entries(HttpHeaders headers) {
        List<Map.Entry<String, String>> entries = new ArrayList<>();
        headers.forEach(e -> entries.add(Map.entry(e.getKey(), e.getValue())));
        return entries;
    }

    /** A response as a client decodes it: its status, body, trailers, whether it ended, and what followed. */
    private record Read(int status, byte[] body, List<Map.Entry<String, String>> trailers, boolean complete,
                        int rest) {

        /** Interim answers are skipped; {@code status} is 0 when no final head was decoded. */
        static Read of(List<Object> objects) {
            int status = 0;
            boolean interim = false;
            boolean complete = false;
            boolean failed = false;
            int rest = 0;
            List<Map.Entry<String, String>> trailers = List.of();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (Object next : objects) {
                if (complete || failed || !(next instanceof HttpObject object)) {
                    rest++;
                    continue;
                }
                if (object.decoderResult().isFailure()) {
                    failed = true;
                    continue;
                }
                if (object instanceof HttpResponse response) {
                    // As a client's decoder reads it: only 1xx is interim.
                    interim = response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
                    if (!interim) {
                        status = response.status().code();
                    }
                }
                if (object instanceof HttpContent content && !interim && status != 0) {
                    ByteBuf bytes = content.content();
                    byte[] copy = new byte[bytes.readableBytes()];
                    bytes.getBytes(bytes.readerIndex(), copy);
                    body.writeBytes(copy);
                    if (content instanceof LastHttpContent last) {
                        trailers = entries(last.trailingHeaders());
                        complete = true;
                    }
                }
            }
            return new Read(status, body.toByteArray(), trailers, complete, rest);
        }
    }
}
