package dev.maitre.server.admin;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one aggregated admin request after another on a connection. HEAD is answered as GET without
 * the body; a malformed request gets 400 and the connection is closed.
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

    private final AdminRouter router;

    AdminHandler(AdminRouter router) {
        this.router = router;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean valid = request.decoderResult().isSuccess();
        boolean head = HttpMethod.HEAD.equals(request.method());
        AdminResponse answer = valid ? answer(head ? HttpMethod.GET : request.method(), request.uri())
                : AdminResponse.error(HttpResponseStatus.BAD_REQUEST, "malformed request");
        FullHttpResponse response = answer.toHttp(request.protocolVersion(), head);
        boolean keepAlive = valid && HttpUtil.isKeepAlive(request);
        HttpUtil.setKeepAlive(response, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(response, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private AdminResponse answer(HttpMethod method, String uri) {
        try {
            return router.answer(method, uri);
        } catch (RuntimeException e) {
            log.warn("admin API: {} {} failed", method, uri, e);
            return AdminResponse.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error: " + e);
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
