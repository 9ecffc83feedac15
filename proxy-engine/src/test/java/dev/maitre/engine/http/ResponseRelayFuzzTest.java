package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.maitre.engine.pool.BackendCodec;
import dev.maitre.testing.LeakReports;
import io.netty.buffer.ByteBuf;
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
import java.util.SplittableRandom;

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
        ResponseRelayModel exchange = new ResponseRelayModel((input[0] & 1) != 0, (input[0] & 2) != 0, (input[0] & 4) != 0);
        boolean backendCloses = (input[0] & 8) != 0;
        byte[] answer = Arrays.copyOfRange(input, 1, input.length);
        CountedBuffers alloc = new CountedBuffers();
        BackendCodec codec = new BackendCodec();
        EmbeddedChannel backend = channel(alloc, codec);
        EmbeddedChannel client = channel(alloc, exchange.encoder);
        List<Object> decoded = new ArrayList<>();
        try {
            sendRequest(backend, exchange.method());
            int offset = 0;
            for (int cut : cuts(answer)) {
                backend.writeInbound(alloc.copyOf(answer, offset, cut));
                offset += cut;
                drainInbound(backend, decoded);
            }
            if (backendCloses) {
                backend.close();
                drainInbound(backend, decoded);
            }
            backend.checkException();
            while (!decoded.isEmpty()) {
                exchange.onBackendRead(decoded.remove(0), client);
            }
            client.checkException();
            // BackendPool keeps a connection only while its codec is at a response boundary.
            if (exchange.pooled() && !backendCloses && codec.atResponseBoundary()) {
                assertNextAnswerReadCleanly(alloc, backend, input);
            }
            if (exchange.state != ResponseRelayModel.State.WAITING && exchange.state != ResponseRelayModel.State.FAILED) {
                assertClientReadsTheResponse(alloc, exchange, drainOutbound(client), input);
            }
        } finally {
            backend.finishAndReleaseAll();
            client.finishAndReleaseAll();
            decoded.forEach(ReferenceCountUtil::release);
        }
        alloc.assertAllReleased("relaying " + RequestDecodingFuzzTest.printable(input));
        assertThat(LeakReports.drain()).as("leaks reported by Netty").isEmpty();
    }

    /** A connection kept for the next request must hold nothing of the last answer. */
    private static void assertNextAnswerReadCleanly(CountedBuffers alloc, EmbeddedChannel backend, byte[] input) {
        sendRequest(backend, HttpMethod.GET);
        backend.writeInbound(alloc.copyOf(NEXT_ANSWER, 0, NEXT_ANSWER.length));
        List<Object> next = new ArrayList<>();
        drainInbound(backend, next);
        try {
            Read read = Read.of(next);
            assertThat(read.status()).as("next answer on the pooled connection after %s",
                    RequestDecodingFuzzTest.printable(input)).isEqualTo(200);
            assertThat(read.complete()).isTrue();
            assertThat(new String(read.body(), StandardCharsets.US_ASCII)).isEqualTo("ok");
            assertThat(read.rest()).isZero();
        } finally {
            next.forEach(ReferenceCountUtil::release);
        }
    }

    /** What the client decodes from the bytes relayed to it is the backend's response, framed once. */
    private static void assertClientReadsTheResponse(CountedBuffers alloc, ResponseRelayModel exchange, byte[] relayed,
                                                     byte[] input) {
        EmbeddedChannel client = channel(alloc, new HttpClientCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(65536).setMaxHeaderSize(1 << 20), false, false));
        List<Object> objects = new ArrayList<>();
        try {
            sendRequest(client, exchange.method());
            client.writeInbound(alloc.copyOf(relayed, 0, relayed.length));
            drainInbound(client, objects);
            Read beforeClose = Read.of(objects);
            String what = RequestDecodingFuzzTest.printable(input) + " relayed as "
                    + RequestDecodingFuzzTest.printable(relayed);
            if (exchange.state == ResponseRelayModel.State.DONE && exchange.clientKeepAlive) {
                assertThat(beforeClose.complete()).as("self-delimited response on a kept connection: %s", what)
                        .isTrue();
                assertThat(beforeClose.rest()).as("bytes after the response: %s", what).isZero();
            }
            client.close();
            drainInbound(client, objects);
            Read read = Read.of(objects);
            // RFC 9110 §15.3.6: a 205 has no content; Netty's encoder sends it with Content-Length: 0
            // whatever the backend sent, so the client's answer is complete with its head.
            boolean resetContent = exchange.status == 205;
            if (exchange.state == ResponseRelayModel.State.DONE) {
                assertThat(read.status()).as(what).isEqualTo(exchange.status);
                assertThat(read.complete()).as("complete: %s", what).isTrue();
                byte[] body = resetContent ? new byte[0] : exchange.body.toByteArray();
                assertThat(read.body()).as("body: %s", what).isEqualTo(body);
                if (exchange.chunkedToClient && !resetContent) {
                    assertThat(read.trailers()).as("trailers: %s", what).isEqualTo(exchange.trailers);
                }
            } else if (!exchange.closeDelimitedToClient && !resetContent) {
                assertThat(read.complete()).as("a cut-off answer must not look complete: %s", what).isFalse();
            }
        } finally {
            client.finishAndReleaseAll();
            objects.forEach(ReferenceCountUtil::release);
        }
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

    private static int[] cuts(byte[] bytes) {
        SplittableRandom random = new SplittableRandom(Arrays.hashCode(bytes));
        List<Integer> cuts = new ArrayList<>();
        int left = bytes.length;
        while (left > 0) {
            int cut = Math.min(left, 1 + random.nextInt(random.nextBoolean() ? 8 : 512));
            cuts.add(cut);
            left -= cut;
        }
        return cuts.stream().mapToInt(Integer::intValue).toArray();
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
