package dev.maitre.bench.ws;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A closed-loop WebSocket load: opens {@code connections} WebSockets to {@code ws://host:port/path}
 * on one event loop, and on each sends a binary message of {@code message-bytes}, waits for its echo
 * and sends the next, for {@code warm-up} seconds unrecorded and then {@code duration} seconds
 * measured. Prints one JSON line: messages/s and latency percentiles over the measured window, every
 * echo of the run ({@code messages_total}, warm-up included, for a proxy's CPU per message) and the
 * errors seen (handshakes refused, tunnels closed, echoes that differ). Exits 1 when there were
 * errors, 2 on bad arguments.
 *
 * <pre>java -cp benchmarks.jar dev.maitre.bench.ws.WebSocketLoad HOST PORT PATH CONNECTIONS MESSAGE_BYTES DURATION_S WARMUP_S</pre>
 */
public final class WebSocketLoad {

    /** How long the handshakes of all connections may take together. */
    private static final Duration OPENING_LIMIT = Duration.ofSeconds(15);
    /** How long the last messages' echoes, then the closing handshakes, may take. */
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(5);
    private static final Duration CLOSE_LIMIT = Duration.ofSeconds(3);

    private WebSocketLoad() {
    }

    record Settings(String host, int port, String path, int connections, int messageBytes,
                    Duration duration, Duration warmUp) {

        static Settings parse(String... args) {
            if (args.length != 7) {
                throw new IllegalArgumentException("expected 7 arguments: HOST PORT PATH CONNECTIONS MESSAGE_BYTES"
                        + " DURATION_S WARMUP_S, got " + args.length);
            }
            if (!args[2].startsWith("/")) {
                throw new IllegalArgumentException("path: " + args[2] + " (expected: starting with /)");
            }
            return new Settings(args[0], port("port", args[1]), args[2],
                    number("connections", args[3], 1, 10_000), number("messageBytes", args[4], 0, 1 << 20),
                    Duration.ofSeconds(number("duration", args[5], 1, 3600)),
                    Duration.ofSeconds(number("warmUp", args[6], 0, 3600)));
        }

        static int port(String key, String value) {
            return number(key, value, 0, 65535);
        }

        private static int number(String key, String value, int min, int max) {
            try {
                int n = Integer.parseInt(value);
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // answered below
            }
            throw new IllegalArgumentException(key + ": " + value + " (expected: a whole number from " + min
                    + " to " + max + ")");
        }

        URI uri() {
            return URI.create("ws://" + host + ":" + port + path);
        }
    }

    /** What a run measured; latencies in milliseconds. */
    record Result(int connections, int messageBytes, int tunnelsOpened, double seconds, long messages,
                  double messagesPerSecond, long messagesTotal, double activeSeconds, double p50Ms, double p90Ms,
                  double p99Ms, double p999Ms, double maxMs, int errors, List<String> errorText) {

        String toJson() {
            StringBuilder json = new StringBuilder(256);
            json.append(String.format(Locale.ROOT, "{\"connections\": %d, \"message_bytes\": %d, \"tunnels_opened\": %d, "
                            + "\"seconds\": %.3f, \"messages\": %d, \"messages_per_s\": %.1f, \"messages_total\": %d, "
                            + "\"active_seconds\": %.3f, \"p50_ms\": %.3f, \"p90_ms\": %.3f, \"p99_ms\": %.3f, "
                            + "\"p999_ms\": %.3f, \"max_ms\": %.3f, \"errors\": %d, \"error_text\": [",
                    connections, messageBytes, tunnelsOpened, seconds, messages, messagesPerSecond, messagesTotal,
                    activeSeconds, p50Ms, p90Ms, p99Ms, p999Ms, maxMs, errors));
            for (int i = 0; i < errorText.size(); i++) {
                json.append(i == 0 ? "\"" : ", \"").append(jsonEscaped(errorText.get(i))).append('"');
            }
            return json.append("]}").toString();
        }

        private static String jsonEscaped(String text) {
            StringBuilder out = new StringBuilder(text.length());
            for (char c : text.toCharArray()) {
                if (c == '"' || c == '\\') {
                    out.append('\\').append(c);
                } else if (c < 0x20) {
                    out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }
    }

    public static void main(String[] args) throws InterruptedException {
        Settings settings;
        try {
            settings = Settings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("WebSocketLoad: " + e.getMessage());
            System.exit(2);
            return;
        }
        Result result = run(settings);
        System.out.println(result.toJson());
        System.exit(result.errors() == 0 ? 0 : 1);
    }

    static Result run(Settings settings) throws InterruptedException {
        EventLoopGroup group = Loopback.newLoop("ws-load");
        EventLoop loop = group.next();
        ByteBuf payload = Unpooled.directBuffer(settings.messageBytes());
        for (int i = 0; i < settings.messageBytes(); i++) {
            payload.writeByte('a' + i % 26);
        }
        ByteBuf message = payload.asReadOnly();
        LoadRun run = new LoadRun(settings, loop);
        try {
            open(settings, loop, run, message);
            if (!run.settled().await(OPENING_LIMIT.toMillis())) {
                loop.execute(() -> run.error("WebSocket handshakes still unanswered after " + OPENING_LIMIT.toSeconds() + " s"));
            }
            loop.execute(run::start);
            run.stopped().await(settings.warmUp().plus(settings.duration()).plusSeconds(10).toMillis());
            if (!run.drained().await(DRAIN_LIMIT.toMillis())) {
                loop.execute(() -> run.error("echoes still missing " + DRAIN_LIMIT.toSeconds() + " s after the run"));
            }
            close(loop, run);
            return loop.submit(run::result).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            payload.release();
        }
    }

    private static void open(Settings settings, EventLoop loop, LoadRun run, ByteBuf message) {
        WebSocketClientProtocolConfig protocol = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(settings.uri())
                .version(WebSocketVersion.V13)
                .maxFramePayloadLength(Math.max(65536, settings.messageBytes()))
                .handshakeTimeoutMillis(OPENING_LIMIT.toMillis())
                .build();
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channelFactory(Loopback.clientChannels())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 3000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(
                                new HttpClientCodec(),
                                new HttpObjectAggregator(65536),
                                new WebSocketClientProtocolHandler(protocol),
                                new EchoTunnel(run, message));
                    }
                });
        for (int i = 0; i < settings.connections(); i++) {
            bootstrap.connect(settings.host(), settings.port()).addListener(connected -> {
                if (!connected.isSuccess()) {
                    Throwable cause = connected.cause();
                    run.notOpened("connect: " + cause.getClass().getSimpleName() + ": " + cause.getMessage());
                }
            });
        }
    }

    /** Closing handshakes on every tunnel, then whatever is still open is closed. */
    private static void close(EventLoop loop, LoadRun run) throws InterruptedException, ExecutionException {
        List<EchoTunnel> tunnels = loop.submit(run::closeAll).get();
        long deadline = System.nanoTime() + CLOSE_LIMIT.toNanos();
        for (EchoTunnel tunnel : tunnels) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !tunnel.closeFuture().await(left, TimeUnit.NANOSECONDS)) {
                tunnel.forceClose();
            }
        }
    }
}
