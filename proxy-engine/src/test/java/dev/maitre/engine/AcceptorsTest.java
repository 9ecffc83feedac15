package dev.maitre.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.engine.transport.Transport;
import dev.maitre.testing.Requirements;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AcceptorsTest {

    /** Small answers go out at once: Nagle's algorithm is off on every accepted connection. */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void acceptedConnectionsHaveNoDelay(Transport transport) throws Exception {
        // Netty's native epoll library loads on Linux (x86_64, aarch64) only: elsewhere the epoll case
        // is skipped and the NIO one still runs; in CI, on Linux, both must run.
        if (transport == Transport.EPOLL) {
            Requirements.require(Transport.best() == Transport.EPOLL, "Netty's native epoll transport");
        }
        EventLoopGroup workers = transport.newGroup(1, "acceptors-test");
        Acceptors acceptors = new Acceptors(transport, workers);
        CompletableFuture<Object[]> accepted = new CompletableFuture<>();
        List<Channel> sockets = acceptors.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        accepted.complete(new Object[] {ctx.channel().config().getOption(ChannelOption.TCP_NODELAY),
                                ctx.channel().config().isAutoRead()});
                        ctx.close();
                    }
                });
        try (Socket client = new Socket()) {
            client.connect(sockets.get(0).localAddress(), 5000);
            Object[] options = accepted.get(10, TimeUnit.SECONDS);
            assertThat(options[0]).as("TCP_NODELAY").isEqualTo(true);
            assertThat(options[1]).as("auto-read").isEqualTo(false);
        } finally {
            Acceptors.close(sockets);
            acceptors.shutdown().syncUninterruptibly();
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
