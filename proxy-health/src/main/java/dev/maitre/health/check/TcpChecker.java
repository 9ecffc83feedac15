package dev.maitre.health.check;

import dev.maitre.api.HostPort;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A TCP check: the backend passes when a connection to it is made within the timeout, and to a cluster
 * spoken to over TLS, when the handshake completed too (its certificate verified).
 */
final class TcpChecker implements Checker {

    private final Bootstrap bootstrap;
    private final EventLoop loop;
    private final Duration timeout;
    private final CheckTls tls;

    /** @param tls the cluster's TLS, or {@code null} for clear text */
    TcpChecker(Bootstrap bootstrap, EventLoop loop, Duration timeout, CheckTls tls) {
        this.bootstrap = bootstrap;
        this.loop = loop;
        this.timeout = timeout;
        this.tls = tls;
    }

    @Override
    public CompletableFuture<CheckResult> check(HostPort backend) {
        return new Probe(backend, timeout, tls) {
            @Override
            ChannelHandler handler() {
                return new ChannelInboundHandlerAdapter();
            }

            @Override
            void connected(Channel channel) {
                pass(tls != null ? "connected over tls" : "connected");
            }
        }.start(bootstrap, loop);
    }
}
