package dev.maitre.engine.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
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
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A plain HTTP/2 client (Netty's codec) speaking clear text by prior knowledge: requests that are not
 * gRPC calls, and calls whose frames a test sends one at a time (a stream's headers, then its data
 * when the test says), with the answer's status, body and trailers.
 */
final class PriorKnowledgeClient implements AutoCloseable {

    record Answer(String status, String body) {
    }

    private final EventLoopGroup group;
    private final Channel channel;

    private PriorKnowledgeClient(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    static PriorKnowledgeClient connect(InetSocketAddress address) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Channel channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                // The client's buffers are not what the test examines; they stay out of the leak detector.
                .option(ChannelOption.ALLOCATOR, new UnpooledByteBufAllocator(true, true))
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                    }
                })
                .connect(address).sync().channel();
        return new PriorKnowledgeClient(group, channel);
    }

    /** A GET of {@code path} for {@code 127.0.0.1:port}, answered within 10 s. */
    Answer get(String path, int port) throws Exception {
        DefaultHttp2Headers headers = new DefaultHttp2Headers();
        headers.method("GET").scheme("http").path(path).authority("127.0.0.1:" + port);
        return open(headers, true).answer();
    }

    /** Opens a stream with {@code headers}; {@code end}: they end the request. */
    Stream open(Http2Headers headers, boolean end) throws Exception {
        Stream stream = new Stream();
        stream.channel = new Http2StreamChannelBootstrap(channel).handler(stream).open().sync().getNow();
        stream.channel.writeAndFlush(new DefaultHttp2HeadersFrame(headers, end)).sync();
        return stream;
    }

    /** One request stream and what comes back on it: the status, the body, the trailers, or a reset. */
    static final class Stream extends ChannelInboundHandlerAdapter {

        private final CompletableFuture<Answer> answer = new CompletableFuture<>();
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private Http2StreamChannel channel;
        private String status;
        private volatile Http2Headers trailers;

        /** Sends {@code bytes} as one DATA frame; {@code end}: it ends the request. False when the stream was closed already. */
        boolean send(byte[] bytes, boolean end) throws InterruptedException {
            return channel.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(bytes), end)).await().isSuccess();
        }

        /**
         * Sends {@code bytes} as {@code count} DATA frames, none ending the request, one after the other
         * before anything that comes back is read (each flushed alone, so the codec does not merge them).
         */
        void sendAtOnce(byte[] bytes, int count) throws Exception {
            channel.eventLoop().submit(() -> {
                for (int i = 0; i < count; i++) {
                    channel.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(bytes), false));
                }
            }).get(10, TimeUnit.SECONDS);
        }

        /** The answer, within 10 s; fails when the stream was reset or the connection lost. */
        Answer answer() throws Exception {
            return answer.get(10, TimeUnit.SECONDS);
        }

        /** The header list that ended the answer: the trailers, or the only head of a trailers-only answer. */
        Http2Headers trailers() {
            return trailers;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame head) {
                    if (status == null) {
                        status = head.headers().status().toString();
                    }
                    if (head.isEndStream()) {
                        trailers = head.headers();
                    }
                } else if (msg instanceof Http2DataFrame data) {
                    ByteBuf content = data.content();
                    byte[] bytes = new byte[content.readableBytes()];
                    content.readBytes(bytes);
                    body.writeBytes(bytes);
                } else if (msg instanceof Http2ResetFrame reset) {
                    answer.completeExceptionally(new IOException("stream reset (error " + reset.errorCode() + ")"));
                }
                if (msg instanceof Http2StreamFrame frame && endsStream(frame)) {
                    answer.complete(new Answer(status, body.toString(StandardCharsets.UTF_8)));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof Http2ResetFrame reset) {
                answer.completeExceptionally(new IOException("stream reset (error " + reset.errorCode() + ")"));
            }
            ReferenceCountUtil.release(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            answer.completeExceptionally(new IOException("stream closed without an answer"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            answer.completeExceptionally(cause);
        }
    }

    private static boolean endsStream(Http2StreamFrame frame) {
        return frame instanceof Http2HeadersFrame head ? head.isEndStream()
                : frame instanceof Http2DataFrame data && data.isEndStream();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
