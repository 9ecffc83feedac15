package dev.maitre.engine.http1;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What a caller reads out of a parsed head; agreement with today's decoding is RequestHeadDifferentialTest's. */
class RequestHeadParserTest {

    private final RequestHeadParser parser = new RequestHeadParser(8192, 16384);
    private final RequestHead head = new RequestHead();

    @Test
    void offsetsPointIntoTheBytesAndTheIndexesStay() {
        ByteBuf in = buffer("xx\r\nPOST /a?b HTTP/1.1\r\nHost: a.example\r\nContent-Length:  5 \r\n"
                + "Connection: x, close\r\n\r\nhello");
        in.readerIndex(4);
        assertThat(parser.parse(in, head)).isEqualTo(RequestVerdict.COMPLETE);
        assertThat(in.readerIndex()).isEqualTo(4);
        assertThat(in.toString(head.end(), in.writerIndex() - head.end(), StandardCharsets.US_ASCII)).isEqualTo("hello");
        assertThat(head.method()).isEqualTo("POST");
        assertThat(head.methodIs(AsciiString.of("POST"))).isTrue();
        assertThat(head.target()).isEqualTo("/a?b");
        assertThat(head.minorVersion()).isEqualTo(1);
        assertThat(head.fieldCount()).isEqualTo(3);
        assertThat(head.value(1)).isEqualTo("5");
        assertThat(head.nameIs(0, AsciiString.of("host"))).isTrue();
        assertThat(head.hostField()).isZero();
        assertThat(head.contentLength()).isEqualTo(5);
        assertThat(head.chunked()).isFalse();
        assertThat(head.keepAlive()).isFalse();
        in.release();
    }

    @Test
    void oneHeadObjectServesTheNextHeadWithManyFields() {
        StringBuilder many = new StringBuilder("GET / HTTP/1.0\r\n");
        for (int i = 0; i < 100; i++) {
            many.append("X-").append(i).append(": ").append(i).append("\r\n");
        }
        ByteBuf first = buffer(many.append("Connection: keep-alive\r\n\r\n").toString());
        assertThat(parser.parse(first, head)).isEqualTo(RequestVerdict.COMPLETE);
        assertThat(head.fieldCount()).isEqualTo(101);
        assertThat(head.value(99)).isEqualTo("99");
        assertThat(head.keepAlive()).isTrue();
        assertThat(head.hostField()).isEqualTo(-1);
        first.release();

        ByteBuf second = buffer("PUT /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\nHost: b\r\n\r\n");
        assertThat(parser.parse(second, head)).isEqualTo(RequestVerdict.COMPLETE);
        assertThat(head.fieldCount()).isEqualTo(2);
        assertThat(head.chunked()).isTrue();
        assertThat(head.contentLength()).isEqualTo(-1);
        assertThat(head.keepAlive()).isTrue();
        assertThat(head.hostCount()).isEqualTo(1);
        second.release();
    }

    @Test
    void aHeadNotWholeYetNeedsMore() {
        ByteBuf in = buffer("GET / HTTP/1.1\r\nHost: a\r\n");
        assertThat(parser.parse(in, head)).isEqualTo(RequestVerdict.NEED_MORE);
        in.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(parser.parse(in, head)).isEqualTo(RequestVerdict.COMPLETE);
        in.release();
    }

    /** Parsing a valid head allocates nothing once the head's offsets have grown to fit. */
    @Test
    void aValidHeadIsParsedWithoutAllocating() {
        ByteBuf in = buffer("POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\nConnection: keep-alive, x\r\n"
                + "X-A: b\r\n\r\n");
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 20_000; i++) {
            parser.parse(in, head);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 20_000; i++) {
            parser.parse(in, head);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(parser.parse(in, head)).isEqualTo(RequestVerdict.COMPLETE);
        // A few hundred bytes of slack for the measuring itself; one string per parse would be 640 kB.
        assertThat(allocated).isLessThan(4096);
        in.release();
    }

    /**
     * A GET with both key fields of the old WebSocket draft is refused: Netty-based servers read 8
     * bytes of body after it that no header announces, so a backend would take them from the next
     * request.
     */
    @Test
    void aGetWithTheOldWebSocketKeysIsRefused() {
        ByteBuf in = buffer("GET / HTTP/1.1\r\nHost: a\r\nSec-WebSocket-Key1: x\r\nSec-WebSocket-Key2: y\r\n\r\n");
        assertThat(parser.parse(in, head)).isEqualTo(RequestVerdict.BAD_FRAMING);
        in.release();
        ByteBuf one = buffer("GET / HTTP/1.1\r\nHost: a\r\nSec-WebSocket-Key1: x\r\n\r\n");
        assertThat(parser.parse(one, head)).isEqualTo(RequestVerdict.COMPLETE);
        one.release();
    }

    /** A head read in pieces is the same head, also when its bytes move between the pieces. */
    @Test
    void aHeadInPiecesIsReadWhereItStopped() {
        String text = "POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc";
        ByteBuf in = Unpooled.buffer();
        RequestVerdict verdict = RequestVerdict.NEED_MORE;
        for (int i = 0; i < text.length() && verdict == RequestVerdict.NEED_MORE; i++) {
            if (i == 20) {
                ByteBuf moved = Unpooled.buffer().writeZero(7).readerIndex(7);
                moved.writeBytes(in);
                in.release();
                in = moved;
            }
            in.writeByte(text.charAt(i));
            verdict = parser.resume(in, head);
        }
        assertThat(verdict).isEqualTo(RequestVerdict.COMPLETE);
        assertThat(head.target()).isEqualTo("/a");
        assertThat(head.value(1)).isEqualTo("3");
        assertThat(head.contentLength()).isEqualTo(3);
        assertThat(head.end()).isEqualTo(7 + text.length() - 3);
        in.release();
    }

    private static ByteBuf buffer(String text) {
        return Unpooled.buffer().writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
