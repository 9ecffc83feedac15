package dev.maitre.engine.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
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
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A plain HTTP/2 client (Netty's codec) speaking clear text by prior knowledge, for requests that are
 * not gRPC calls: one GET a stream, its answer's status and body.
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
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(channel)
                .handler(new ChannelInboundHandlerAdapter() {
                    private String status;
                    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        try {
                            if (msg instanceof Http2HeadersFrame head && status == null) {
                                status = head.headers().status().toString();
                            } else if (msg instanceof Http2DataFrame data) {
                                ByteBuf content = data.content();
                                byte[] bytes = new byte[content.readableBytes()];
                                content.readBytes(bytes);
                                body.writeBytes(bytes);
                            }
                            if (msg instanceof Http2StreamFrame frame && endsStream(frame)) {
                                answer.complete(new Answer(status, body.toString(StandardCharsets.UTF_8)));
                            }
                        } finally {
                            ReferenceCountUtil.release(msg);
                        }
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        answer.completeExceptionally(cause);
                    }
                })
                .open().sync().getNow();
        DefaultHttp2Headers headers = new DefaultHttp2Headers();
        headers.method("GET").scheme("http").path(path).authority("127.0.0.1:" + port);
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers, true));
        return answer.get(10, TimeUnit.SECONDS);
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
