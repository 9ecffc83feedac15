package dev.maitre.engine.http1;

import dev.maitre.engine.testing.CountedBuffers;
import dev.maitre.engine.testing.FuzzInputs;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.maitre.testing.LeakReports;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.CharsetUtil;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Arbitrary bytes from a backend through {@link ResponseDecoder}: nothing escapes, nothing leaks,
 * what comes out is heads each followed by body parts and one last part, or ends with one failure,
 * and the same bytes read the same whole, a byte at a time and cut where the input's hash says.
 *
 * <p>The first byte of an input sets the exchange: bit 0 a HEAD request, bit 1 the backend closing
 * after its bytes; so a seed reads as a digit followed by an answer ({@code 0HTTP/1.1 200 OK...}: a
 * GET whose connection stays open). Seeds are in {@code ResponseDecoderFuzzTestInputs/};
 * {@code JAZZER_FUZZ=1} fuzzes (see README).
 */
class ResponseDecoderFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void backendBytesAreDecodedIntoWellFormedAnswersOrOneFailure(byte[] input) {
        if (input.length == 0) {
            return;
        }
        boolean headRequest = (input[0] & 1) != 0;
        boolean closes = (input[0] & 2) != 0;
        byte[] answer = Arrays.copyOfRange(input, 1, input.length);
        CountedBuffers alloc = new CountedBuffers();
        List<String> whole = decode(alloc, headRequest, closes, answer, new int[] {answer.length});
        assertThat(decode(alloc, headRequest, closes, answer, FuzzInputs.cuts(answer, 512)))
                .as("cut into pieces: %s", FuzzInputs.printable(input)).isEqualTo(whole);
        if (answer.length <= 4096) {
            int[] bytes = new int[answer.length];
            Arrays.fill(bytes, 1);
            assertThat(decode(alloc, headRequest, closes, answer, bytes))
                    .as("a byte at a time: %s", FuzzInputs.printable(input)).isEqualTo(whole);
        }
        alloc.assertAllReleased(FuzzInputs.printable(input));
        assertThat(LeakReports.drain()).as("leaks reported by Netty").isEmpty();
    }

    /**
     * Interim heads then one final answer, each head followed by parts and one last part, an interim
     * or bodiless one by its last part at once; or one failure, at the end.
     */
    private static void assertWellFormed(List<String> kinds, boolean headRequest) {
        boolean inBody = false;
        boolean bodiless = false;
        boolean finalEnded = false;
        for (int i = 0; i < kinds.size(); i++) {
            String kind = kinds.get(i);
            String what = "messages " + kinds;
            if (kind.equals("fail")) {
                assertThat(i).as(what).isEqualTo(kinds.size() - 1);
                assertThat(finalEnded && !inBody).as(what + ": nothing is decoded after the answer").isFalse();
            } else if (kind.startsWith("head")) {
                assertThat(inBody || finalEnded).as(what).isFalse();
                int status = Integer.parseInt(kind.substring(5));
                inBody = true;
                bodiless = status < 200 || status == 204 || status == 304 || headRequest;
                finalEnded = status >= 200;
            } else {
                assertThat(inBody).as(what).isTrue();
                assertThat(bodiless && kind.equals("part")).as(what).isFalse();
                inBody = !kind.equals("last");
            }
        }
    }

    /** What the decoder emitted, with each body's parts joined since where they are cut depends on the reads. */
    private static List<String> decode(CountedBuffers alloc, boolean headRequest, boolean closes, byte[] answer, int[] cuts) {
        ResponseDecoder decoder = new ResponseDecoder();
        List<String> events = new ArrayList<>();
        List<String> kinds = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(alloc);
        channel.pipeline().addLast(decoder, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                try {
                    record(msg, events, kinds, body);
                } finally {
                    ReferenceCountUtil.release(msg);
                }
            }
        });
        try {
            decoder.expectAnswer(headRequest);
            int offset = 0;
            for (int cut : cuts) {
                channel.writeInbound(alloc.copyOf(answer, offset, cut));
                offset += cut;
            }
            if (closes) {
                channel.close();
            }
            channel.runPendingTasks();
            channel.checkException();
            assertThat((Object) channel.readInbound()).isNull();
            assertWellFormed(kinds, headRequest);
            events.add("boundary " + decoder.atResponseBoundary());
            return events;
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    private static void record(Object msg, List<String> events, List<String> kinds, StringBuilder body) {
        if (msg instanceof ResponseHead head) {
            kinds.add("head " + head.status());
            assertThat(head.status()).isBetween(100, 999);
            assertThat(head.fieldCount()).isBetween(0, ResponseHead.MAX_FIELDS);
            assertThat(head.contentLength()).isGreaterThanOrEqualTo(-1);
            if (head.chunked()) {
                assertThat(head.contentLength()).isEqualTo(-1);
            }
            ByteBuf copy = Unpooled.buffer(head.copiedSize());
            try {
                head.copyStatus(copy);
                for (int i = 0; i < head.fieldCount(); i++) {
                    head.copyField(i, copy);
                }
                events.add("head " + head.status() + " 1." + head.minorVersion() + " cl=" + head.contentLength()
                        + " chunked=" + head.chunked() + " keepAlive=" + head.keepAlive() + copy.toString(CharsetUtil.ISO_8859_1));
            } finally {
                copy.release();
            }
        } else if (msg instanceof LastHttpContent last) {
            if (last.decoderResult().isFailure()) {
                kinds.add("fail");
                events.add("fail " + last.decoderResult().cause().getClass().getSimpleName() + " after " + body);
                return;
            }
            kinds.add("last");
            body.append(last.content().toString(CharsetUtil.ISO_8859_1));
            events.add("last " + body + " trailers " + last.trailingHeaders().entries());
            body.setLength(0);
        } else if (msg instanceof HttpContent part) {
            assertThat(part.content().isReadable()).as("an empty part").isTrue();
            kinds.add("part");
            body.append(part.content().toString(CharsetUtil.ISO_8859_1));
        } else {
            kinds.add("unexpected");
            events.add("unexpected " + msg);
        }
    }
}
