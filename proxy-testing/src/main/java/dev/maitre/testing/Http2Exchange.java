package dev.maitre.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One stream of an {@link Http2Backend}: it collects the request (its fields, body and trailers) and,
 * once the request ended, hands itself to the backend's script, which answers it here, from any
 * thread, now or later. A large generated body is written as the stream's flow-control window allows,
 * so a client that stops reading makes this stream stop writing ({@link #bodyBytesWritten()} shows
 * how far it got).
 */
public final class Http2Exchange extends ChannelInboundHandlerAdapter {

    private static final int PIECE = 16 * 1024;
    private static final byte[] PATTERN = pattern();

    /** A request as the backend read it. */
    public record Request(int connection, int streamId, String method, String path, String authority, String scheme,
                          List<Map.Entry<String, String>> fields, byte[] body, List<Map.Entry<String, String>> trailers) {

        /** The first value of the field {@code name} (as sent: HTTP/2 field names are lower case), or null. */
        public String header(String name) {
            return fields.stream().filter(f -> f.getKey().equals(name)).map(Map.Entry::getValue).findFirst().orElse(null);
        }

        public List<String> fieldNames() {
            return fields.stream().map(Map.Entry::getKey).toList();
        }

        public String trailer(String name) {
            return trailers.stream().filter(f -> f.getKey().equals(name)).map(Map.Entry::getValue).findFirst()
                    .orElse(null);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** What a request is answered with. Immutable; each {@code with} method returns a changed copy. */
    public record Answer(int status, List<Map.Entry<String, String>> fields, byte[] body, long generatedBytes,
                         List<Map.Entry<String, String>> trailers, int interimStatus, Duration delay) {

        public static Answer status(int status) {
            return new Answer(status, List.of(), new byte[0], 0, List.of(), 0, Duration.ZERO);
        }

        public static Answer ok(String body) {
            return status(200).body(body);
        }

        public Answer header(String name, String value) {
            List<Map.Entry<String, String>> more = new ArrayList<>(fields);
            more.add(Map.entry(name, value));
            return new Answer(status, more, body, generatedBytes, trailers, interimStatus, delay);
        }

        public Answer body(String text) {
            return body(text.getBytes(StandardCharsets.UTF_8));
        }

        public Answer body(byte[] bytes) {
            return new Answer(status, fields, bytes, 0, trailers, interimStatus, delay);
        }

        /**
         * A body of {@code bytes} bytes of {@link #patternByte(long) a known pattern}, written as the
         * stream's window allows.
         */
        public Answer generated(long bytes) {
            return new Answer(status, fields, new byte[0], bytes, trailers, interimStatus, delay);
        }

        public Answer trailer(String name, String value) {
            List<Map.Entry<String, String>> more = new ArrayList<>(trailers);
            more.add(Map.entry(name, value));
            return new Answer(status, fields, body, generatedBytes, more, interimStatus, delay);
        }

        /** An interim ({@code 1xx}) head before the final one. */
        public Answer interim(int value) {
            return new Answer(status, fields, body, generatedBytes, trailers, value, delay);
        }

        /** Answers {@code value} after the request ended. */
        public Answer after(Duration value) {
            return new Answer(status, fields, body, generatedBytes, trailers, interimStatus, value);
        }

        private boolean hasBody() {
            return body.length > 0 || generatedBytes > 0;
        }
    }

    private final Http2Backend backend;
    private final Http2Backend.Connection connection;
    private final List<Map.Entry<String, String>> fields = new ArrayList<>();
    private final List<Map.Entry<String, String>> trailers = new ArrayList<>();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final AtomicLong written = new AtomicLong();
    private Http2StreamChannel channel;
    private Http2Headers head;
    private Request request;
    private long toWrite;
    private volatile boolean reset;

    Http2Exchange(Http2Backend backend, Http2Backend.Connection connection) {
        this.backend = backend;
        this.connection = connection;
    }

    /** The byte at {@code offset} of a generated body. */
    public static byte patternByte(long offset) {
        return PATTERN[(int) (offset % PATTERN.length)];
    }

    private static byte[] pattern() {
        byte[] bytes = new byte[PIECE];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) ('a' + i % 26);
        }
        return bytes;
    }

    public Request request() {
        return request;
    }

    public Http2Backend.Connection connection() {
        return connection;
    }

    public int streamId() {
        return channel.stream().id();
    }

    /** How much of a generated body went to the HTTP/2 codec so far. */
    public long bodyBytesWritten() {
        return written.get();
    }

    /** Whether the client reset the stream, or it was closed before its answer ended. */
    public boolean wasReset() {
        return reset;
    }

    /** Answers the request with {@code answer}: now, or after its delay. */
    public void respond(Answer answer) {
        Channel stream = channel;
        if (answer.delay().isZero()) {
            stream.eventLoop().execute(() -> write(answer));
        } else {
            stream.eventLoop().schedule(() -> write(answer), answer.delay().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** Refuses the stream: {@code RST_STREAM} with {@code REFUSED_STREAM}, the request unprocessed. */
    public void refuse() {
        channel.eventLoop().execute(() -> channel.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.REFUSED_STREAM)));
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = (Http2StreamChannel) ctx.channel();
        connection.streamOpened();
        ctx.fireChannelActive();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = (Http2StreamChannel) ctx.channel();
        if (backend.readsNoBody()) {
            // Frames not read are not returned to the window: the head is read, then nothing more.
            channel.config().setAutoRead(false);
            channel.read();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connection.streamClosed();
        if (toWrite > 0 || request == null) {
            reset = true;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Http2HeadersFrame frame) {
                if (head == null) {
                    head = frame.headers();
                    for (Map.Entry<CharSequence, CharSequence> field : head) {
                        if (field.getKey().charAt(0) != ':') {
                            fields.add(Map.entry(field.getKey().toString(), field.getValue().toString()));
                        }
                    }
                } else {
                    for (Map.Entry<CharSequence, CharSequence> field : frame.headers()) {
                        trailers.add(Map.entry(field.getKey().toString(), field.getValue().toString()));
                    }
                }
                if (frame.isEndStream()) {
                    arrived();
                }
            } else if (msg instanceof Http2DataFrame frame) {
                ByteBuf data = frame.content();
                backend.bodyRead(data.readableBytes());
                body.writeBytes(ByteBufUtil.getBytes(data));
                if (frame.isEndStream()) {
                    arrived();
                }
            } else if (msg instanceof Http2ResetFrame) {
                reset = true;
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof Http2ResetFrame) {
            reset = true;
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private void arrived() {
        request = new Request(connection.index(), channel.stream().id(), text(head.method()), text(head.path()),
                text(head.authority()), text(head.scheme()), List.copyOf(fields), body.toByteArray(), List.copyOf(trailers));
        backend.arrived(this);
    }

    private static String text(CharSequence value) {
        return value == null ? null : value.toString();
    }

    private void write(Answer answer) {
        if (!channel.isActive()) {
            return;
        }
        if (answer.interimStatus() != 0) {
            channel.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status(
                    Integer.toString(answer.interimStatus())), false));
        }
        Http2Headers headers = new DefaultHttp2Headers().status(Integer.toString(answer.status()));
        for (Map.Entry<String, String> field : answer.fields()) {
            headers.add(field.getKey(), field.getValue());
        }
        boolean trailersFollow = !answer.trailers().isEmpty();
        channel.write(new DefaultHttp2HeadersFrame(headers, !answer.hasBody() && !trailersFollow));
        if (answer.body().length > 0) {
            channel.write(new DefaultHttp2DataFrame(Http2Backend.copy(answer.body(), 0, answer.body().length),
                    !trailersFollow));
        }
        if (answer.generatedBytes() > 0) {
            toWrite = answer.generatedBytes();
            channel.pipeline().addLast(new GeneratedBody(answer));
            channel.flush();
            return;
        }
        if (trailersFollow) {
            channel.write(new DefaultHttp2HeadersFrame(trailers(answer), true));
        }
        channel.flush();
    }

    private static Http2Headers trailers(Answer answer) {
        Http2Headers headers = new DefaultHttp2Headers();
        for (Map.Entry<String, String> field : answer.trailers()) {
            headers.add(field.getKey(), field.getValue());
        }
        return headers;
    }

    /** Writes a generated body while the stream is writable, and again whenever it becomes so. */
    private final class GeneratedBody extends ChannelInboundHandlerAdapter {
        private final Answer answer;

        GeneratedBody(Answer answer) {
            this.answer = answer;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            more();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            more();
            ctx.fireChannelWritabilityChanged();
        }

        private void more() {
            while (toWrite > 0 && channel.isWritable()) {
                long offset = written.get();
                int from = (int) (offset % PATTERN.length);
                int length = (int) Math.min(toWrite, PATTERN.length - from);
                toWrite -= length;
                written.addAndGet(length);
                boolean last = toWrite == 0;
                channel.write(new DefaultHttp2DataFrame(Http2Backend.copy(PATTERN, from, length),
                        last && answer.trailers().isEmpty()));
                if (last && !answer.trailers().isEmpty()) {
                    channel.write(new DefaultHttp2HeadersFrame(trailers(answer), true));
                }
            }
            channel.flush();
        }
    }
}
