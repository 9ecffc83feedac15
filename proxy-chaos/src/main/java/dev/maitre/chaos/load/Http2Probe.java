package dev.maitre.chaos.load;

import dev.maitre.chaos.load.Outcome.ErrorKind;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP/2 client of the load generator: each request is a stream on its connection, which it
 * shares with other clients or opens for that request alone. It sees every failure as the
 * HTTP/1.1 probe does: refused, timed out (no frame for the timeout), reset (maitre's
 * {@code RST_STREAM}, or the connection reset) or closed (the connection ended, or its
 * {@code GOAWAY} left the stream out); a connection that ends fails every stream open on it.
 * The stream's frames are read on the connection's event loop; the client's thread only waits.
 */
final class Http2Probe implements Probe {

    /** How long past the client timeout the thread waits before it gives the stream up itself. */
    private static final long STUCK_MILLIS = 5_000;

    private final Http2Connection connection;
    private final boolean ownConnection;
    private final int timeoutMillis;

    /**
     * @param ownConnection whether the connection is this client's alone, closed after each request
     */
    Http2Probe(Http2Connection connection, boolean ownConnection, int timeoutMillis) {
        this.connection = connection;
        this.ownConnection = ownConnection;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public Outcome get(String path, String sha256) {
        long start = System.nanoTime();
        Http2Connection.Lease lease;
        try {
            lease = connection.lease();
        } catch (ConnectTimeoutException e) {
            return Outcome.failed(start, ErrorKind.TIMEOUT, false);
        } catch (ConnectException e) {
            return Outcome.failed(start, ErrorKind.REFUSED, false);
        } catch (Exception e) {
            return Outcome.failed(start, ErrorKind.OTHER, false);
        }
        Answer answer = new Answer(start, sha256, lease.reused());
        Http2Headers head = new DefaultHttp2Headers().method("GET").path(path).scheme("http").authority("chaos.test");
        new Http2StreamChannelBootstrap(lease.channel())
                .handler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel stream) {
                        stream.pipeline().addLast(new ReadTimeoutHandler(timeoutMillis, TimeUnit.MILLISECONDS), answer);
                    }
                })
                .open()
                .addListener((Future<Http2StreamChannel> opened) -> {
                    if (!opened.isSuccess()) {
                        answer.fail(opened.cause());
                        return;
                    }
                    opened.getNow().writeAndFlush(new DefaultHttp2HeadersFrame(head, true)).addListener(written -> {
                        if (!written.isSuccess()) {
                            answer.fail(written.cause());
                            opened.getNow().close();
                        }
                    });
                });
        Outcome outcome = answer.await(timeoutMillis + STUCK_MILLIS);
        if (ownConnection) {
            connection.close();
        }
        return outcome;
    }

    @Override
    public void close() {
        if (ownConnection) {
            connection.close();
        }
    }

    /**
     * The stream's handler: reads the answer (status, {@code X-Backend}, the body's digest),
     * releases every frame, and completes once, with the answer's end or the stream's failure.
     */
    private static final class Answer extends ChannelInboundHandlerAdapter {

        private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        private final long start;
        private final String sha256;
        private final boolean reused;
        private final MessageDigest digest;
        private volatile Channel stream;
        private int status;
        private String backend;

        Answer(long start, String sha256, boolean reused) {
            this.start = start;
            this.sha256 = sha256;
            this.reused = reused;
            this.digest = sha256 == null ? null : sha256();
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            stream = ctx.channel();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame headers) {
                    // The first head that is not an interim (1xx) one is the answer's; a later one is its trailers.
                    if (status < 200) {
                        CharSequence code = headers.headers().status();
                        status = code == null ? 0 : Integer.parseInt(code.toString());
                        CharSequence name = headers.headers().get("x-backend");
                        backend = name == null ? null : name.toString();
                    }
                    if (headers.isEndStream()) {
                        ended();
                    }
                } else if (msg instanceof Http2DataFrame data) {
                    if (digest != null) {
                        digest.update(data.content().nioBuffer());
                    }
                    if (data.isEndStream()) {
                        ended();
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void ended() {
            if (status < 200) {
                complete(ErrorKind.OTHER);
                return;
            }
            boolean digestOk = digest == null || HexFormat.of().formatHex(digest.digest()).equals(sha256);
            outcome.complete(new Outcome(start, System.nanoTime(), status, ErrorKind.NONE, backend, digestOk, reused));
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            try {
                if (evt instanceof Http2ResetFrame) {
                    complete(ErrorKind.RESET);
                } else if (evt instanceof Http2GoAwayFrame) {
                    // The stream was past the last one maitre said it would process.
                    complete(ErrorKind.CLOSED);
                }
            } finally {
                ReferenceCountUtil.release(evt);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!outcome.isDone()) {
                Throwable connectionFailure = ctx.channel().parent().attr(Http2Connection.FAILURE).get();
                complete(connectionFailure == null ? ErrorKind.CLOSED : kind(connectionFailure));
            }
        }

        void fail(Throwable cause) {
            complete(kind(cause));
        }

        private void complete(ErrorKind error) {
            outcome.complete(Outcome.failed(start, error, reused));
        }

        private static ErrorKind kind(Throwable cause) {
            if (cause instanceof ReadTimeoutException) {
                return ErrorKind.TIMEOUT;
            }
            if (cause instanceof ClosedChannelException) {
                return ErrorKind.CLOSED;
            }
            String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
            if (cause instanceof IOException && (message.contains("reset") || message.contains("broken pipe"))) {
                return ErrorKind.RESET;
            }
            return ErrorKind.OTHER;
        }

        /** The outcome, once the stream ended; after {@code maxMillis}, a timeout, and the stream is given up. */
        Outcome await(long maxMillis) {
            try {
                return outcome.get(maxMillis, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                complete(ErrorKind.TIMEOUT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                complete(ErrorKind.OTHER);
            } catch (ExecutionException e) {
                complete(ErrorKind.OTHER);
            }
            Channel open = stream;
            if (open != null) {
                open.close();
            }
            return outcome.join();
        }

        private static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
