package dev.maitre.server.admin;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one aggregated admin request after another on a connection, each first put to the
 * {@link AdminGuard}. HEAD is answered as GET without the body; a malformed request gets 400 and the
 * connection is closed. An answer that completes later (a reload) is written back on this
 * connection's event loop, and the answers to pipelined requests keep their order.
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

    private final AdminGuard guard;
    private final AdminRouter router;

    /** Completes once every answer so far is written; confined to the event loop. */
    private CompletableFuture<Void> written = CompletableFuture.completedFuture(null);

    AdminHandler(AdminGuard guard, AdminRouter router) {
        this.guard = guard;
        this.router = router;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean valid = request.decoderResult().isSuccess();
        boolean head = HttpMethod.HEAD.equals(request.method());
        HttpVersion version = request.protocolVersion();
        boolean keepAlive = valid && HttpUtil.isKeepAlive(request);
        CompletionStage<AdminResponse> answer = valid ? answer(ctx, request).completion()
                : AdminResponse.error(HttpResponseStatus.BAD_REQUEST, "malformed request").completion();
        String what = request.method() + " " + request.uri();
        written = written
                .thenCompose(previous -> answer)
                .exceptionally(failure -> failed(what, failure))
                .thenAcceptAsync(response -> write(ctx, response.toHttp(version, head), keepAlive), ctx.executor())
                .exceptionally(rejected -> null); // the admin server is closing: nothing more to write
    }

    private AdminAnswer answer(ChannelHandlerContext ctx, FullHttpRequest request) {
        HttpMethod method = HttpMethod.HEAD.equals(request.method()) ? HttpMethod.GET : request.method();
        try {
            AdminPath path = AdminPath.of(request.uri());
            InetSocketAddress local = (InetSocketAddress) ctx.channel().localAddress();
            AdminAnswer refusal = guard.refusal(method, path, request.headers(), local).orElse(null);
            return refusal != null ? refusal : router.answer(method, path);
        } catch (RuntimeException e) {
            return failed(method + " " + request.uri(), e);
        }
    }

    private static AdminResponse failed(String request, Throwable e) {
        log.warn("admin API: {} failed", request, e);
        return AdminResponse.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error: " + e);
    }

    private static void write(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        HttpUtil.setKeepAlive(response, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(response, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            ctx.close();
        } else {
            super.userEventTriggered(ctx, event);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("admin connection {} failed", ctx.channel(), cause);
        ctx.close();
    }
}
