package dev.maitre.engine.http;

import dev.maitre.engine.testing.CountedBuffers;
import dev.maitre.engine.testing.FuzzInputs;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.maitre.api.config.ListenerLimits;
import dev.maitre.engine.http1.RequestVerdict;
import dev.maitre.engine.pool.BackendCodec;
import dev.maitre.testing.LeakReports;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Arbitrary bytes from a client, through the listener's decoder ({@link RequestDecoder}) and validation: nothing escapes but
 * a rejection, nothing leaks, and what is accepted has exactly one reading. The input is the raw
 * bytes a client sends; it is fed whole, a byte at a time, and in pieces cut where the input's hash
 * says, and all three must give the same requests.
 *
 * <p>Seeds are in {@code RequestDecodingFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes (see README).
 */
class RequestDecodingFuzzTest {

    /** Small enough that the fuzzer reaches the limits, as a listener configured tightly would. */
    private static final ListenerLimits LIMITS = new ListenerLimits(512, 2048, 1 << 20, 10);
    /** The second decoder gets room for what re-encoding adds (a space after each colon). */
    private static final ListenerLimits ROOMY = new ListenerLimits(4096, 16384, 1 << 20, 10);

    @FuzzTest(maxDuration = "60s")
    void clientBytesAreRejectedOrDecodedIntoRequestsWithOneFramingEach(byte[] input) {
        CountedBuffers alloc = new CountedBuffers();
        Outcome whole = decode(alloc, input, new int[] {input.length}, LIMITS);
        assertSameReading(decode(alloc, input, FuzzInputs.cuts(input, 256), LIMITS), whole, "cut into pieces");
        if (input.length <= 4096) {
            assertSameReading(decode(alloc, input, byteByByte(input.length), LIMITS), whole, "one at a time");
        }
        for (Request request : whole.accepted()) {
            assertReadAgainTheSame(alloc, request);
            assertBackendReadsOneRequest(alloc, request);
        }
        alloc.assertAllReleased("decoding " + FuzzInputs.printable(input));
        List<String> leaks = LeakReports.drain();
        assertThat(leaks).as("leaks reported by Netty").isEmpty();
    }

    /**
     * The same bytes cut differently are read the same, with one exception of Netty's: a CR waiting
     * for its LF counts against the line limit, so a line of exactly the limit is refused when its
     * CR and LF arrive apart. Only what came before that line may then be accepted.
     */
    private static void assertSameReading(Outcome cut, Outcome whole, String how) {
        if (cut.end() == End.TOO_LONG && !cut.equals(whole)) {
            // (AssertJ's startsWith refuses an empty prefix, which here means "nothing came before".)
            assertThat(whole.accepted().subList(0, Math.min(cut.accepted().size(), whole.accepted().size())))
                    .as("the same bytes " + how).isEqualTo(cut.accepted());
            return;
        }
        assertThat(cut).as("the same bytes " + how).isEqualTo(whole);
    }

    /** Re-encoded as it was decoded and read by a fresh decoder, an accepted request is the same request. */
    private static void assertReadAgainTheSame(CountedBuffers alloc, Request request) {
        byte[] encoded = encode(alloc, request.head(), request);
        Outcome again = decode(alloc, encoded, new int[] {encoded.length}, ROOMY);
        String what = request + " re-encoded as " + FuzzInputs.printable(encoded);
        assertThat(again.accepted()).as(what).hasSize(1);
        assertThat(again.end()).as(what).isEqualTo(End.CLEAN);
        Request read = again.accepted().get(0);
        // The encoder writes an absolute-form target without a path with one ("/"): the same target.
        assertThat(ReferenceValidation.target(read.head())).as(what).isEqualTo(ReferenceValidation.target(request.head()));
        assertThat(new Request(read.method(), request.uri(), read.version(), read.headers(), read.body(),
                read.trailers())).as(what).isEqualTo(request);
    }

    /**
     * Rewritten for the backend (the listener's {@link BackendRequest}, the body framed by a backend
     * connection's {@link BackendCodec}) and read by a plain Netty decoder, as a lenient backend
     * would: one request with the same body, and nothing after it that a backend could take for a
     * second one.
     */
    private static void assertBackendReadsOneRequest(CountedBuffers alloc, Request request) {
        byte[] sent = encode(alloc, request.head(), request);
        List<Object> decoded = run(alloc, new EmbeddedChannel(), () -> new RequestDecoder(ROOMY, null),
                sent, new int[] {sent.length});
        EmbeddedChannel backend = new EmbeddedChannel();
        backend.config().setAllocator(alloc);
        backend.pipeline().addLast(new BackendCodec());
        ByteArrayOutputStream forwardedBytes = new ByteArrayOutputStream();
        try {
            ClientRequest head = (ClientRequest) decoded.get(0);
            RequestTarget target = RequestTarget.parse(head.target(), head.options());
            backend.writeOutbound(new BackendRequest("http", false).encode(head, target,
                    ForwardingHeadersTest.hop("192.0.2.1", false), null, null, alloc));
            for (Object piece : decoded.subList(1, decoded.size())) {
                backend.writeOutbound(ReferenceCountUtil.retain(piece));
            }
            Object msg;
            while ((msg = backend.readOutbound()) != null) {
                io.netty.buffer.ByteBuf buf = (io.netty.buffer.ByteBuf) msg;
                byte[] bytes = new byte[buf.readableBytes()];
                buf.readBytes(bytes);
                buf.release();
                forwardedBytes.writeBytes(bytes);
            }
        } finally {
            decoded.forEach(ReferenceCountUtil::release);
            backend.finishAndReleaseAll();
        }
        byte[] encoded = forwardedBytes.toByteArray();
        List<Object> objects = run(alloc, new EmbeddedChannel(), () -> new HttpRequestDecoder(),
                encoded, new int[] {encoded.length});
        try {
            Outcome forwardedOutcome = Outcome.of(objects, false);
            assertThat(forwardedOutcome.accepted()).as("backend reading %s", FuzzInputs.printable(encoded)).hasSize(1);
            assertThat(forwardedOutcome.end()).isEqualTo(End.CLEAN);
            Request forwarded = forwardedOutcome.accepted().get(0);
            assertThat(forwarded.body()).isEqualTo(request.body());
            assertThat(forwarded.trailers()).isEqualTo(request.trailers());
            assertThat(forwarded.method()).isEqualTo(request.method());
        } finally {
            objects.forEach(ReferenceCountUtil::release);
        }
    }

    private static Outcome decode(CountedBuffers alloc, byte[] input, int[] cuts, ListenerLimits limits) {
        List<Object> objects = run(alloc, new EmbeddedChannel(), () -> new RequestDecoder(limits, null), input, cuts);
        try {
            return Outcome.of(objects, true);
        } finally {
            objects.forEach(ReferenceCountUtil::release);
        }
    }

    /** Feeds {@code input} cut at {@code cuts} (piece lengths) through {@code handler}; what came out, unreleased. */
    private static List<Object> run(CountedBuffers alloc, EmbeddedChannel channel, Supplier<ChannelHandler> handler,
                                    byte[] input, int[] cuts) {
        channel.config().setAllocator(alloc);
        channel.pipeline().addLast(handler.get());
        List<Object> objects = new ArrayList<>();
        try {
            int offset = 0;
            for (int cut : cuts) {
                channel.writeInbound(alloc.copyOf(input, offset, cut));
                offset += cut;
                drain(channel, objects);
            }
            channel.checkException();
            return objects;
        } catch (RuntimeException | Error e) {
            objects.forEach(ReferenceCountUtil::release);
            throw e;
        } finally {
            // Closing is not a client's end of input: the client may still be sending.
            channel.finishAndReleaseAll();
        }
    }

    private static void drain(EmbeddedChannel channel, List<Object> into) {
        Object msg;
        while ((msg = channel.readInbound()) != null) {
            if (!(msg instanceof HttpObject) && !(msg instanceof ClientRequest)) {
                ReferenceCountUtil.release(msg);
                throw new AssertionError("decoder produced " + msg);
            }
            into.add(msg);
        }
    }

    /** The request head and body as HttpRequestEncoder writes them. */
    private static byte[] encode(CountedBuffers alloc, HttpRequest head, Request request) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(alloc);
        channel.pipeline().addLast(new HttpRequestEncoder());
        try {
            channel.writeOutbound(head);
            if (request.body().length > 0) {
                channel.writeOutbound(new DefaultHttpContent(alloc.copyOf(request.body(), 0, request.body().length)));
            }
            DefaultLastHttpContent last = new DefaultLastHttpContent(alloc.heapBuffer(0));
            request.trailers().forEach(e -> last.trailingHeaders().add(e.getKey(), e.getValue()));
            channel.writeOutbound(last);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Object msg;
            while ((msg = channel.readOutbound()) != null) {
                io.netty.buffer.ByteBuf buf = (io.netty.buffer.ByteBuf) msg;
                byte[] bytes = new byte[buf.readableBytes()];
                buf.readBytes(bytes);
                buf.release();
                out.writeBytes(bytes);
            }
            return out.toByteArray();
        } finally {
            channel.finishAndReleaseAll();
        }
    }
    private static int[] byteByByte(int length) {
        int[] cuts = new int[length];
        Arrays.fill(cuts, 1);
        return cuts;
    }

    /** How the input ended: after complete requests, inside one, in a rejection for a line or head too long, or another. */
    enum End { CLEAN, INCOMPLETE, TOO_LONG, REJECTED }

    /** A request as the proxy would forward it: the head's parts, the body and the trailers. */
    record Request(String method, String uri, String version, List<Map.Entry<String, String>> headers, byte[] body,
                   List<Map.Entry<String, String>> trailers) {

        HttpRequest head() {
            HttpRequest head = new DefaultHttpRequest(io.netty.handler.codec.http.HttpVersion.valueOf(version),
                    io.netty.handler.codec.http.HttpMethod.valueOf(method), uri);
            headers.forEach(e -> head.headers().add(e.getKey(), e.getValue()));
            return head;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Request r && method.equals(r.method) && uri.equals(r.uri) && version.equals(r.version)
                    && headers.equals(r.headers) && Arrays.equals(body, r.body) && trailers.equals(r.trailers);
        }

        @Override
        public int hashCode() {
            return method.hashCode() * 31 + uri.hashCode();
        }

        @Override
        public String toString() {
            return method + " " + uri + " " + version + " " + headers + " body " + FuzzInputs.printable(body) + " trailers "
                    + trailers;
        }
    }

    /** The requests the proxy would forward from one connection, and how its input ended. */
    record Outcome(List<Request> accepted, End end) {

        /**
         * Reads decoded objects the way the connection handler does: each head validated, a rejection
         * or a failed body ends the connection. With {@code validate} false (a backend's view), only
         * decoder failures reject.
         */
        static Outcome of(List<Object> objects, boolean validate) {
            List<Request> accepted = new ArrayList<>();
            HttpRequest head = null;
            ByteArrayOutputStream body = null;
            for (int i = 0; i < objects.size(); i++) {
                Object object = objects.get(i);
                if (object instanceof HttpObject decoded && decoded.decoderResult().isFailure()
                        || object instanceof ClientRequest refused && !refused.valid()) {
                    assertThat(objects.subList(i + 1, objects.size())).as("decoded after a failure").isEmpty();
                }
                if (object instanceof ClientRequest request) {
                    assertThat(head).as("a request head before the end of the previous request").isNull();
                    if (!request.valid()) {
                        return new Outcome(accepted, request.verdict() == RequestVerdict.REQUEST_LINE_TOO_LONG
                                || request.verdict() == RequestVerdict.HEAD_TOO_LARGE ? End.TOO_LONG : End.REJECTED);
                    }
                    RequestTarget target = RequestTarget.parse(request.target(), request.options());
                    if (RequestValidator.validate(request, target, Long.MAX_VALUE) != null || !targetIsSound(request, target)) {
                        return new Outcome(accepted, End.REJECTED);
                    }
                    head = DecodedRequests.view(request);
                    body = new ByteArrayOutputStream();
                } else if (object instanceof HttpRequest request) {
                    assertThat(head).as("a request head before the end of the previous request").isNull();
                    if (request.decoderResult().isFailure()) {
                        Throwable cause = request.decoderResult().cause();
                        return new Outcome(accepted, cause instanceof TooLongFrameException ? End.TOO_LONG : End.REJECTED);
                    }
                    head = request;
                    body = new ByteArrayOutputStream();
                }
                if (object instanceof HttpContent content) {
                    assertThat(head).as("content without a request head").isNotNull();
                    if (content.decoderResult().isFailure()) {
                        return new Outcome(accepted, End.REJECTED);
                    }
                    byte[] bytes = new byte[content.content().readableBytes()];
                    content.content().getBytes(content.content().readerIndex(), bytes);
                    body.writeBytes(bytes);
                    if (content instanceof LastHttpContent last) {
                        accepted.add(new Request(head.method().name(), head.uri(), head.protocolVersion().text(),
                                entries(head.headers()), body.toByteArray(), entries(last.trailingHeaders())));
                        head = null;
                    }
                }
            }
            return new Outcome(accepted, head == null ? End.CLEAN : End.INCOMPLETE);
        }

        private static List<Map.Entry<String, String>> entries(HttpHeaders headers) {
            List<Map.Entry<String, String>> entries = new ArrayList<>();
            headers.forEach(e -> entries.add(Map.entry(e.getKey(), e.getValue())));
            return entries;
        }

        /** A valid request's target parses, and its routing path holds no dot segment or empty segment. */
        private static boolean targetIsSound(ClientRequest request, RequestTarget target) {
            assertThat(target).as("target of a valid request").isNotNull();
            RequestTarget.routingHost(target.host(request));
            String path = target.path();
            if (!path.equals("*")) {
                assertThat(path).startsWith("/");
                String inner = path.substring(0, path.length() - (path.endsWith("/") ? 1 : 0)) + "/";
                assertThat(inner).as("routing path of %s", request.target())
                        .doesNotContain("//", "/./", "/../");
            }
            return true;
        }
    }
}
