package dev.maitre.engine.testing;

import dev.maitre.api.HostPort;
import io.netty.bootstrap.ServerBootstrap;
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
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A keep-alive HTTP/1.1 backend that takes request bodies slowly, on a Netty event loop of its own
 * (so thousands of connections cost no thread each): each connection reads {@code burstBytes}, rests
 * {@code pause}, and so on; each request (with a {@code Content-Length} body) is answered 200 with
 * the number of body bytes it read.
 */
public final class SlowSinkBackend implements AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final long burstBytes;
    private final Duration pause;
    private final AtomicInteger answered = new AtomicInteger();
    private final AtomicLong bodyBytes = new AtomicLong();

    private SlowSinkBackend(long burstBytes, Duration pause) throws InterruptedException {
        this.burstBytes = burstBytes;
        this.pause = pause;
        this.server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new Sink());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    public static SlowSinkBackend start(long burstBytes, Duration pause) throws InterruptedException {
        return new SlowSinkBackend(burstBytes, pause);
    }

    public HostPort address() {
        return new HostPort("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort());
    }

    /** Requests answered so far. */
    public int answered() {
        return answered.get();
    }

    /** Body bytes read so far, over all requests. */
    public long bodyBytes() {
        return bodyBytes.get();
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    private final class Sink extends ChannelInboundHandlerAdapter {
        private final StringBuilder head = new StringBuilder();
        private boolean inBody;
        private long bodyLeft;
        private long bodyRead;
        private long burst;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.read();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                burst += in.readableBytes();
                while (in.isReadable()) {
                    if (!inBody) {
                        head.append((char) in.readByte());
                        if (endsHead()) {
                            bodyLeft = contentLength(head.toString());
                            bodyRead = 0;
                            head.setLength(0);
                            inBody = true;
                        }
                    } else {
                        int n = (int) Math.min(in.readableBytes(), bodyLeft);
                        in.skipBytes(n);
                        bodyLeft -= n;
                        bodyRead += n;
                        bodyBytes.addAndGet(n);
                    }
                    if (inBody && bodyLeft == 0) {
                        inBody = false;
                        answered.incrementAndGet();
                        byte[] body = Long.toString(bodyRead).getBytes(StandardCharsets.US_ASCII);
                        ctx.write(Unpooled.wrappedBuffer(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length
                                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
                        ctx.writeAndFlush(Unpooled.wrappedBuffer(body));
                    }
                }
            } finally {
                in.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (burst >= burstBytes) {
                burst = 0;
                ctx.executor().schedule(() -> {
                    ctx.read();
                }, pause.toNanos(), TimeUnit.NANOSECONDS);
            } else {
                ctx.read();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        private boolean endsHead() {
            int n = head.length();
            return n >= 4 && head.charAt(n - 1) == '\n' && head.charAt(n - 2) == '\r' && head.charAt(n - 3) == '\n'
                    && head.charAt(n - 4) == '\r';
        }

        private long contentLength(String text) {
            for (String line : text.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    return Long.parseLong(line.substring("content-length:".length()).trim());
                }
            }
            return 0;
        }
    }
}
