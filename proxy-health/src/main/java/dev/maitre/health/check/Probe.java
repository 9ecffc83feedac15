package dev.maitre.health.check;

import dev.maitre.api.HostPort;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One check in flight: it connects (and completes a TLS handshake, for a cluster spoken to over TLS),
 * lets its pipeline decide, and ends with exactly one result, at the latest when its timeout is up.
 * Ending closes the connection.
 */
abstract class Probe {

    private final CompletableFuture<CheckResult> result = new CompletableFuture<>();
    private final HostPort target;
    private final Duration timeout;
    private final CheckTls tls;
    private final long startNanos = System.nanoTime();
    private volatile Channel channel;
    private volatile ScheduledFuture<?> deadline;

    /** @param tls the cluster's TLS, or {@code null} for clear text */
    Probe(HostPort target, Duration timeout, CheckTls tls) {
        this.target = target;
        this.timeout = timeout;
        this.tls = tls;
    }

    /** The handlers of the probe's connection. */
    abstract ChannelHandler handler();

    /** Called on the event loop once the connection is up. */
    abstract void connected(Channel channel);

    final CompletableFuture<CheckResult> start(Bootstrap bootstrap, EventLoop loop) {
        deadline = loop.schedule(() -> fail(FailureReasons.timeout(timeout)), timeout.toNanos(), TimeUnit.NANOSECONDS);
        ChannelFuture connect = bootstrap.clone().handler(pipeline(bootstrap.config().handler()))
                .connect(socketAddress(target));
        channel = connect.channel();
        connect.addListener((ChannelFutureListener) future -> {
            if (!future.isSuccess()) {
                fail(future.cause());
            } else if (result.isDone()) {
                future.channel().close();
            } else if (tls != null) {
                future.channel().pipeline().get(SslHandler.class).handshakeFuture().addListener(handshake -> {
                    if (!handshake.isSuccess()) {
                        fail(handshake.cause());
                    } else if (!result.isDone()) {
                        connected(future.channel());
                    }
                });
            } else {
                connected(future.channel());
            }
        });
        return result;
    }

    /**
     * The probe's handlers, behind TLS when the cluster has it: nothing is sent before the handshake
     * verified; {@code first}, the bootstrap's own handler (a PROXY header's), if any, goes before all.
     */
    private ChannelHandler pipeline(ChannelHandler first) {
        if (tls == null && first == null) {
            return handler();
        }
        return new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                if (first != null) {
                    ch.pipeline().addLast(first);
                }
                if (tls != null) {
                    ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), target));
                }
                ch.pipeline().addLast(handler());
            }
        };
    }

    final HostPort target() {
        return target;
    }

    final Duration timeout() {
        return timeout;
    }

    final boolean overTls() {
        return tls != null;
    }

    /** Whether the probe has its result; later events change nothing. */
    final boolean finished() {
        return result.isDone();
    }

    final void pass(String reason) {
        finish(CheckResult.passed(reason, System.nanoTime() - startNanos));
    }

    final void fail(String reason) {
        finish(CheckResult.failed(reason, System.nanoTime() - startNanos));
    }

    final void fail(Throwable cause) {
        fail(FailureReasons.describe(cause, target, timeout));
    }

    private void finish(CheckResult outcome) {
        if (!result.complete(outcome)) {
            return;
        }
        ScheduledFuture<?> timer = deadline;
        if (timer != null) {
            timer.cancel(false);
        }
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        }
    }

    /** IP literals are used as they are; names are left to the bootstrap's asynchronous resolver. */
    private static InetSocketAddress socketAddress(HostPort target) {
        InetAddress literal = NetUtil.createInetAddressFromIpAddressString(target.host());
        return literal != null
                ? new InetSocketAddress(literal, target.port())
                : InetSocketAddress.createUnresolved(target.host(), target.port());
    }
}
