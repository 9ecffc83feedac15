package dev.maitre.server.demo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.util.CharsetUtil;
import io.netty.util.ReferenceCountUtil;

/**
 * A demo backend's HTTP side: {@code /healthz} answers 200, {@code POST /demo/stop} stops the
 * backend, a WebSocket upgrade of {@code /ws} turns the connection into a {@link DemoWebSocketEcho}
 * (its handshake answer names the backend in {@value #BACKEND_HEADER}), and every other request is
 * answered with a line that names the backend. Request bodies are read and dropped as they come.
 */
final class DemoHttpHandler extends ChannelInboundHandlerAdapter {

    static final String WEBSOCKET_PATH = "/ws";
    static final String BACKEND_HEADER = "X-Demo-Backend";
    /** Enough for anything typed at the demo; a larger message ends the WebSocket. */
    static final int MAX_MESSAGE_BYTES = 1024 * 1024;

    private record Answer(HttpResponseStatus status, String body, boolean keepAlive, boolean head, boolean stop) {
    }

    private final DemoBackend backend;
    private Answer pending;

    DemoHttpHandler(DemoBackend backend) {
        this.backend = backend;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            if (request.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                respond(ctx, new Answer(HttpResponseStatus.BAD_REQUEST, "bad request\n", false, false, false));
                return;
            }
            String path = new QueryStringDecoder(request.uri()).path();
            if (path.equals(WEBSOCKET_PATH) && isWebSocketUpgrade(request)) {
                upgrade(ctx, request);
            } else {
                if (HttpUtil.is100ContinueExpected(request)) {
                    ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
                }
                pending = answer(request, path);
            }
        }
        if (msg instanceof LastHttpContent && pending != null) {
            Answer answer = pending;
            pending = null;
            respond(ctx, answer);
        }
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private Answer answer(HttpRequest request, String path) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        boolean head = request.method().equals(HttpMethod.HEAD);
        int number = backend.number();
        return switch (path) {
            case "/healthz" -> new Answer(HttpResponseStatus.OK, "ok\n", keepAlive, head, false);
            case "/demo/stop" -> request.method().equals(HttpMethod.POST)
                    ? new Answer(HttpResponseStatus.OK, "demo backend " + number + " stops listening\n", false, head, true)
                    : new Answer(HttpResponseStatus.METHOD_NOT_ALLOWED, "use POST to stop this backend\n", keepAlive, head, false);
            case WEBSOCKET_PATH -> new Answer(HttpResponseStatus.UPGRADE_REQUIRED,
                    "demo backend " + number + " echoes WebSocket messages here; connect with a WebSocket client\n",
                    keepAlive, head, false);
            default -> new Answer(HttpResponseStatus.OK,
                    "hello from demo backend " + number + " (" + backend.address() + ")\n", keepAlive, head, false);
        };
    }

    private void respond(ChannelHandlerContext ctx, Answer answer) {
        ByteBuf body = answer.head() ? Unpooled.EMPTY_BUFFER : Unpooled.copiedBuffer(answer.body(), CharsetUtil.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, answer.status(), body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        HttpUtil.setContentLength(response, answer.body().getBytes(CharsetUtil.UTF_8).length);
        HttpUtil.setKeepAlive(response, answer.keepAlive());
        ChannelFuture written = ctx.writeAndFlush(response);
        if (answer.stop()) {
            written.addListener(done -> backend.stop());
        } else if (!answer.keepAlive()) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * Hands the connection to Netty's handshaker, which reads the rest of the request, answers 101
     * and swaps the HTTP codec for WebSocket frames; the echo takes this handler's place.
     */
    private void upgrade(ChannelHandlerContext ctx, HttpRequest request) {
        String url = "ws://" + request.headers().get(HttpHeaderNames.HOST, "localhost") + WEBSOCKET_PATH;
        WebSocketServerHandshaker handshaker =
                new WebSocketServerHandshakerFactory(url, null, false, MAX_MESSAGE_BYTES).newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        HttpHeaders named = new DefaultHttpHeaders().set(BACKEND_HEADER, backend.number());
        ctx.pipeline().addAfter(ctx.name(), null, new DemoWebSocketEcho(handshaker));
        ctx.pipeline().replace(this, null, new WebSocketFrameAggregator(MAX_MESSAGE_BYTES));
        handshaker.handshake(ctx.channel(), request, named, ctx.newPromise()).addListener(done -> {
            if (!done.isSuccess()) {
                ctx.channel().close();
            }
        });
    }

    private static boolean isWebSocketUpgrade(HttpRequest request) {
        return request.method().equals(HttpMethod.GET)
                && request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }
}
