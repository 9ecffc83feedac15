package dev.maitre.engine.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP/2 client on Netty's frame codec, over clear text with prior knowledge, for what the JDK's
 * client cannot do: choose its windows, read an answer slowly (the stream's window opens only as
 * the test takes the bytes), send a body as fast as flow control lets it, and see the
 * {@code GOAWAY} a server sends.
 */
public final class Http2TestClient implements AutoCloseable {

    private static final int BLOCK = 64 * 1024;
    private static final int DEFAULT_WINDOW = 65_535;

    private final EventLoopGroup group;
    private final Channel channel;
    private final CompletableFuture<GoAway> goAway = new CompletableFuture<>();

    private Http2TestClient(EventLoopGroup group, InetSocketAddress address, int initialWindowSize) throws Exception {
        this.group = group;
        Http2Settings settings = Http2Settings.defaultSettings().initialWindowSize(initialWindowSize);
        this.channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().initialSettings(settings).build(),
                                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()),
                                new ConnectionFrames());
                    }
                })
                .connect(address).sync().channel();
        if (initialWindowSize > DEFAULT_WINDOW) {
            // The connection's window grows with the streams', so that one stream can use its own whole.
            channel.writeAndFlush(new DefaultHttp2WindowUpdateFrame(initialWindowSize - DEFAULT_WINDOW)).sync();
        }
    }

    /**
     * Connects to {@code address}, announcing {@code initialWindowSize} as each stream's receive window;
     * the connection's window is as large (at least the protocol's 65,535 bytes).
     */
    public static Http2TestClient connect(InetSocketAddress address, int initialWindowSize) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            return new Http2TestClient(group, address, initialWindowSize);
        } catch (Exception e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    public static Http2Headers get(String path) {
        return headers("GET", path);
    }

    public static Http2Headers headers(String method, String path) {
        return new DefaultHttp2Headers().method(method).path(path).scheme("http").authority("test.local");
    }

    /** The connection's {@code GOAWAY}, once one came. */
    public CompletableFuture<GoAway> goAway() {
        return goAway;
    }

    /** Whether the connection is still open. */
    public boolean isOpen() {
        return channel.isActive();
    }

    /** Opens a stream with {@code headers}, which end it ({@code endStream}) or are followed by a body. */
    public Stream open(Http2Headers headers, boolean endStream, Reading reading) throws Exception {
        Stream stream = new Stream(reading);
        Http2StreamChannel child = new Http2StreamChannelBootstrap(channel)
                .option(ChannelOption.AUTO_READ, false)
                .handler(stream)
                .open().sync().getNow();
        stream.child = child;
        child.writeAndFlush(new DefaultHttp2HeadersFrame(headers, endStream)).sync();
        child.read();
        return stream;
    }

    /** A request without body, its answer read at once. */
    public Stream request(Http2Headers headers) throws Exception {
        return open(headers, true, Reading.AT_ONCE);
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    /** How the answer's body is taken: all at once, or by bursts with pauses, as a slow client does. */
    public record Reading(long burstBytes, Duration pause) {
        public static final Reading AT_ONCE = new Reading(Long.MAX_VALUE, Duration.ZERO);

        public static Reading bursts(long burstBytes, Duration pause) {
            return new Reading(burstBytes, pause);
        }
    }

    /** One stream: what was answered on it. */
    public static final class Stream extends ChannelInboundHandlerAdapter {
        private final Reading reading;
        private final MessageDigest sha = BodyDigest.newSha256();
        private final CompletableFuture<Answer> answer = new CompletableFuture<>();
        private final Object writable = new Object();
        private volatile Http2StreamChannel child;
        private Http2Headers head;
        private Http2Headers trailers;
        private final List<Http2Headers> interim = new ArrayList<>();
        private volatile long bytes;
        private long burst;
        private boolean cancelled;
        private long uploadLeft;
        private byte[] uploadBlock;
        private CompletableFuture<Void> uploaded;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

        Stream(Reading reading) {
            this.reading = reading;
        }

        /** The stream's identifier. */
        public int id() {
            return child.stream().id();
        }

        public CompletableFuture<Answer> answer() {
            return answer;
        }

        /** Sends {@code size} bytes drawn from {@code seed} (as {@link Payload} draws them), then ends the stream. */
        public BodyDigest upload(long size, long seed) throws Exception {
            SplittableRandom random = new SplittableRandom(seed);
            MessageDigest digest = BodyDigest.newSha256();
            long left = size;
            while (left > 0) {
                int length = (int) Math.min(BLOCK, left);
                byte[] block = new byte[BLOCK];
                random.nextBytes(block);
                digest.update(block, 0, length);
                left -= length;
                awaitWritable();
                if (answer.isDone()) {
                    break;
                }
                child.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(block, 0, length), left == 0));
            }
            return new BodyDigest(size, HexFormat.of().formatHex(digest.digest()));
        }

        /** How many body bytes were read so far. */
        public long bytesRead() {
            return bytes;
        }

        /**
         * Sends {@code size} bytes, repeating {@code block}, then ends the stream; written from the
         * stream's event loop as flow control lets them go, so that many streams upload at once.
         */
        public CompletableFuture<Void> uploadAsync(long size, byte[] block) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            child.eventLoop().execute(() -> {
                uploadLeft = size;
                uploadBlock = block;
                uploaded = done;
                writeWhileWritable();
            });
            return done;
        }

        private void writeWhileWritable() {
            while (uploadLeft > 0 && child.isWritable()) {
                int length = (int) Math.min(uploadBlock.length, uploadLeft);
                uploadLeft -= length;
                child.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(uploadBlock, 0, length), uploadLeft == 0));
            }
            child.flush();
            if (uploadLeft == 0 && uploaded != null) {
                uploaded.complete(null);
                uploaded = null;
            }
        }

        /** Ends the stream with trailers. */
        public void sendTrailers(Http2Headers trailers) throws Exception {
            child.writeAndFlush(new DefaultHttp2HeadersFrame(trailers, true)).sync();
        }

        /** Resets the stream ({@code CANCEL}), as a client that gives up on it does. */
        public void cancel() throws Exception {
            child.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL)).sync();
            // What came before the reset is read and let go, however the answer was being read.
            child.eventLoop().execute(() -> {
                cancelled = true;
                child.read();
            });
        }

        /** Sends {@code data} as one DATA frame; {@code endStream}: the last. */
        public void send(ByteBuf data, boolean endStream) throws Exception {
            child.writeAndFlush(new DefaultHttp2DataFrame(data, endStream)).sync();
        }

        private void awaitWritable() throws InterruptedException {
            synchronized (writable) {
                while (!child.isWritable() && child.isActive() && !answer.isDone()) {
                    writable.wait(100);
                }
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (uploaded != null) {
                writeWhileWritable();
            }
            synchronized (writable) {
                writable.notifyAll();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame frame) {
                    if (head != null && head.status().charAt(0) == '1') {
                        interim.add(head);
                        head = null;
                    }
                    if (head == null) {
                        head = frame.headers();
                    } else {
                        trailers = frame.headers();
                    }
                    if (frame.isEndStream()) {
                        complete();
                    }
                } else if (msg instanceof Http2DataFrame frame) {
                    ByteBuf data = frame.content();
                    int length = data.readableBytes();
                    byte[] copy = new byte[length];
                    data.getBytes(data.readerIndex(), copy);
                    sha.update(copy);
                    if (kept.size() < 1 << 20) {
                        kept.write(copy, 0, Math.min(length, (1 << 20) - kept.size()));
                    }
                    bytes += length;
                    burst += length;
                    if (frame.isEndStream()) {
                        complete();
                    }
                } else if (msg instanceof Http2ResetFrame reset) {
                    answer.completeExceptionally(new StreamReset(reset.errorCode(), head));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (answer.isDone() && !cancelled) {
                return;
            }
            if (burst >= reading.burstBytes() && !cancelled) {
                burst = 0;
                ctx.executor().schedule(() -> {
                    ctx.read();
                }, reading.pause().toNanos(), TimeUnit.NANOSECONDS);
            } else {
                ctx.read();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (uploaded != null) {
                uploaded.completeExceptionally(new IllegalStateException("stream closed during the upload"));
            }
            synchronized (writable) {
                writable.notifyAll();
            }
            answer.completeExceptionally(new IllegalStateException("stream closed before its answer ended"));
        }

        private void complete() {
            answer.complete(new Answer(List.copyOf(interim), head, trailers, bytes,
                    HexFormat.of().formatHex(sha.digest()), kept.toByteArray()));
        }
    }

    /** An answer as the client read it: interim heads, head, trailers, and the body's length, digest and first MiB. */
    public record Answer(List<Http2Headers> interim, Http2Headers head, Http2Headers trailers, long bytes,
                         String sha256, byte[] body) {
        public int status() {
            return Integer.parseInt(head.status().toString());
        }

        public BodyDigest digest() {
            return new BodyDigest(bytes, sha256);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** A {@code GOAWAY} as received. */
    public record GoAway(int lastStreamId, long errorCode) {
    }

    /** The server reset the stream. */
    public static final class StreamReset extends RuntimeException {
        private final long errorCode;

        StreamReset(long errorCode, Http2Headers head) {
            super("stream reset with error " + errorCode + (head == null ? "" : " after " + head.status()));
            this.errorCode = errorCode;
        }

        public long errorCode() {
            return errorCode;
        }
    }

    private final class ConnectionFrames extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2GoAwayFrame frame) {
                goAway.complete(new GoAway(frame.lastStreamId(), frame.errorCode()));
            }
            ReferenceCountUtil.release(msg);
        }
    }
}
