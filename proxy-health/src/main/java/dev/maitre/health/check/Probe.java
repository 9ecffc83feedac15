package dev.maitre.health.check;

import dev.maitre.api.HostPort;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One check in flight: it connects, lets its pipeline decide, and ends with exactly one result, at
 * the latest when its timeout is up. Ending closes the connection.
 */
abstract class Probe {

    private final CompletableFuture<CheckResult> result = new CompletableFuture<>();
    private final HostPort target;
    private final Duration timeout;
    private final long startNanos = System.nanoTime();
    private volatile Channel channel;
    private volatile ScheduledFuture<?> deadline;

    Probe(HostPort target, Duration timeout) {
        this.target = target;
        this.timeout = timeout;
    }

    /** The handlers of the probe's connection. */
    abstract ChannelHandler handler();

    /** Called on the event loop once the connection is up. */
    abstract void connected(Channel channel);

    final CompletableFuture<CheckResult> start(Bootstrap bootstrap, EventLoop loop) {
        deadline = loop.schedule(() -> fail(FailureReasons.timeout(timeout)), timeout.toNanos(), TimeUnit.NANOSECONDS);
        ChannelFuture connect = bootstrap.clone().handler(handler()).connect(socketAddress(target));
        channel = connect.channel();
        connect.addListener((ChannelFutureListener) future -> {
            if (!future.isSuccess()) {
                fail(future.cause());
            } else if (result.isDone()) {
                future.channel().close();
            } else {
                connected(future.channel());
            }
        });
        return result;
    }

    final HostPort target() {
        return target;
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
