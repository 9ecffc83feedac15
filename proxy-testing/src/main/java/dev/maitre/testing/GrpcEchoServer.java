package dev.maitre.testing;

import static dev.maitre.testing.GrpcEcho.CHAT;
import static dev.maitre.testing.GrpcEcho.COUNT;
import static dev.maitre.testing.GrpcEcho.DETAIL_BIN_KEY;
import static dev.maitre.testing.GrpcEcho.DETAIL_KEY;
import static dev.maitre.testing.GrpcEcho.ECHO_BYTES;
import static dev.maitre.testing.GrpcEcho.FAIL;
import static dev.maitre.testing.GrpcEcho.FLOOD;
import static dev.maitre.testing.GrpcEcho.SAY;
import static dev.maitre.testing.GrpcEcho.SERVICE;
import static dev.maitre.testing.GrpcEcho.SLOW;
import static dev.maitre.testing.GrpcEcho.SUM;

import dev.maitre.api.HostPort;
import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerTransportFilter;
import io.grpc.Status;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real gRPC server (grpc-java, its own shaded Netty) on loopback, for tests of gRPC through maitre.
 * Its service is built by hand, without generated code: messages are UTF-8 strings or raw bytes
 * ({@link GrpcEcho#STRINGS}, {@link GrpcEcho#BYTES}). It speaks clear-text HTTP/2 ({@code h2c}) or, given a
 * certificate, TLS with ALPN {@code h2}. It records the calls it received and those it saw
 * cancelled and counts its connections; it can go out of service gracefully
 * ({@link #shutDownGracefully()}), end like a crashed process ({@link #crash()}) and come back on
 * the same port ({@link #restart()}).
 *
 * <p>Methods of {@value GrpcEcho#SERVICE}:
 * <ul>
 *   <li>{@link GrpcEcho#SAY} (unary): answers {@code "<name>: <request>"}, so a test sees which server answered;</li>
 *   <li>{@link GrpcEcho#ECHO_BYTES} (unary): answers the bytes it was sent;</li>
 *   <li>{@link GrpcEcho#COUNT} (server streaming): request {@code "n"} or {@code "n,delayMillis"}, answers
 *       {@code "0"} to {@code "n-1"}, one per delay;</li>
 *   <li>{@link GrpcEcho#FLOOD} (server streaming): request {@code "n,size"}, n messages of that many bytes,
 *       sent only as fast as the client reads them;</li>
 *   <li>{@link GrpcEcho#SUM} (client streaming): numbers in, {@code "count=<c> sum=<s>"} out;</li>
 *   <li>{@link GrpcEcho#CHAT} (bidi): each message answered at once with {@code "echo <message>"};</li>
 *   <li>{@link GrpcEcho#SLOW} (unary): request {@code "<millis>"}, answers {@code "slept <millis>"} after that long;</li>
 *   <li>{@link GrpcEcho#FAIL} (unary): request {@code "<CODE>:<message>"}, fails with that status and the
 *       trailers {@link GrpcEcho#DETAIL_KEY} {@code = "detail of <message>"} and {@link GrpcEcho#DETAIL_BIN_KEY} (3 bytes 0, 1, 255).</li>
 * </ul>
 */
public final class GrpcEchoServer implements AutoCloseable {

    /** Big enough for the largest messages the tests send (4 MiB and a little framing). */
    private static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    private final String name;
    private final ServerCredentials credentials;
    private final int maxCallsPerConnection;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(daemon -> {
        Thread thread = new Thread(daemon, "grpc-echo-timer");
        thread.setDaemon(true);
        return thread;
    });
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<String> cancellations = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger flooded = new AtomicInteger();
    private volatile Server server;
    private int port;

    private GrpcEchoServer(String name, ServerCredentials credentials, int maxCallsPerConnection) {
        this.name = name;
        this.credentials = credentials;
        this.maxCallsPerConnection = maxCallsPerConnection;
    }

    /** A clear-text ({@code h2c}) server on a free loopback port, answering as {@code name}. */
    public static GrpcEchoServer start(String name) throws IOException {
        return start(name, Integer.MAX_VALUE);
    }

    /**
     * A clear-text server that takes at most {@code maxCallsPerConnection} calls at once on a connection
     * ({@code SETTINGS_MAX_CONCURRENT_STREAMS}; a stream beyond them is refused).
     */
    public static GrpcEchoServer start(String name, int maxCallsPerConnection) throws IOException {
        GrpcEchoServer echo = new GrpcEchoServer(name, null, maxCallsPerConnection);
        echo.bind(0);
        return echo;
    }

    /** A TLS server presenting {@code certificate} (ALPN {@code h2}), answering as {@code name}. */
    public static GrpcEchoServer startTls(String name, TestCertificates.PemFiles certificate) throws IOException {
        ServerCredentials tls = TlsServerCredentials.create(certificate.certFile().toFile(),
                certificate.keyFile().toFile());
        GrpcEchoServer echo = new GrpcEchoServer(name, tls, Integer.MAX_VALUE);
        echo.bind(0);
        return echo;
    }

    private void bind(int wanted) throws IOException {
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", wanted);
        NettyServerBuilder builder = credentials == null ? NettyServerBuilder.forAddress(address)
                : NettyServerBuilder.forAddress(address, credentials);
        server = builder.addService(service())
                .addTransportFilter(new ServerTransportFilter() {
                    @Override
                    public Attributes transportReady(Attributes transport) {
                        connections.incrementAndGet();
                        return transport;
                    }
                })
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .maxConcurrentCallsPerConnection(maxCallsPerConnection)
                .build()
                .start();
        port = ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
    }

    public String name() {
        return name;
    }

    public HostPort address() {
        return new HostPort("127.0.0.1", port);
    }

    /** The full method names of the calls received so far, in order. */
    public List<String> calls() {
        return List.copyOf(calls);
    }

    /** The full method names of the calls this server saw cancelled (by the client, a deadline or a reset). */
    public List<String> cancellations() {
        return List.copyOf(cancellations);
    }

    /** How many messages {@link GrpcEcho#FLOOD} calls have handed to the transport so far. */
    public int flooded() {
        return flooded.get();
    }

    /** How many connections were made to this server (each HTTP/2 connection, whatever it carried). */
    public int connections() {
        return connections.get();
    }

    /**
     * Stops as a server taking itself out of service would: no new connection, a {@code GOAWAY} on the
     * open ones, and the calls in progress served to their end (grpc-java's {@code shutdown}).
     */
    public void shutDownGracefully() {
        server.shutdown();
    }

    /**
     * Ends every connection and call at once, as a crashed process would (grpc-java's
     * {@code shutdownNow}: open streams reset, connections closed); the port is refused afterwards.
     */
    public void crash() {
        server.shutdownNow();
        awaitTermination();
    }

    /** Serves again on the same port after {@link #crash()}. */
    public void restart() throws IOException {
        bind(port);
    }

    @Override
    public void close() {
        server.shutdownNow();
        awaitTermination();
        timers.shutdownNow();
    }

    private void awaitTermination() {
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ServerServiceDefinition service() {
        return ServerServiceDefinition.builder(SERVICE)
                .addMethod(SAY, ServerCalls.asyncUnaryCall((request, answer) -> {
                    record(SAY, answer);
                    answer.onNext(name + ": " + request);
                    answer.onCompleted();
                }))
                .addMethod(ECHO_BYTES, ServerCalls.asyncUnaryCall((request, answer) -> {
                    record(ECHO_BYTES, answer);
                    answer.onNext(request);
                    answer.onCompleted();
                }))
                .addMethod(COUNT, ServerCalls.asyncServerStreamingCall(this::count))
                .addMethod(FLOOD, ServerCalls.asyncServerStreamingCall(this::flood))
                .addMethod(SUM, ServerCalls.asyncClientStreamingCall(this::sum))
                .addMethod(CHAT, ServerCalls.asyncBidiStreamingCall(this::chat))
                .addMethod(SLOW, ServerCalls.asyncUnaryCall(this::slow))
                .addMethod(FAIL, ServerCalls.asyncUnaryCall(this::fail))
                .build();
    }

    /** Records the call, and its cancellation when it comes. */
    private void record(MethodDescriptor<?, ?> method, StreamObserver<?> answer) {
        calls.add(method.getFullMethodName());
        ((ServerCallStreamObserver<?>) answer).setOnCancelHandler(() -> cancellations.add(method.getFullMethodName()));
    }

    private void count(String request, StreamObserver<String> answer) {
        record(COUNT, answer);
        String[] parts = request.split(",");
        int total = Integer.parseInt(parts[0].trim());
        long delayMillis = parts.length > 1 ? Long.parseLong(parts[1].trim()) : 0;
        ServerCallStreamObserver<String> stream = (ServerCallStreamObserver<String>) answer;
        if (delayMillis == 0) {
            // All at once, as fast as flow control lets them go (grpc-java queues what it cannot send yet).
            for (int i = 0; i < total && !stream.isCancelled(); i++) {
                stream.onNext(Integer.toString(i));
            }
            if (!stream.isCancelled()) {
                stream.onCompleted();
            }
            return;
        }
        countLater(stream, 0, total, delayMillis);
    }

    private void countLater(ServerCallStreamObserver<String> stream, int next, int total, long delayMillis) {
        timers.schedule(() -> {
            if (stream.isCancelled()) {
                return;
            }
            try {
                if (next == total) {
                    stream.onCompleted();
                    return;
                }
                stream.onNext(Integer.toString(next));
            } catch (RuntimeException ended) {
                // The call ended meanwhile (the server shut down): nothing more to send.
                return;
            }
            countLater(stream, next + 1, total, delayMillis);
        }, delayMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * Request {@code "n,size"}: n messages of {@code size} bytes, the first byte of each its number
     * (mod 256), each handed to the transport only while it is ready for more (the call's flow
     * control), so {@link #flooded()} tells how far the client's reading let the stream go.
     */
    private void flood(String request, StreamObserver<byte[]> answer) {
        record(FLOOD, answer);
        String[] parts = request.split(",");
        int total = Integer.parseInt(parts[0].trim());
        int size = Integer.parseInt(parts[1].trim());
        ServerCallStreamObserver<byte[]> stream = (ServerCallStreamObserver<byte[]>) answer;
        int[] next = {0};
        stream.setOnReadyHandler(() -> {
            while (stream.isReady() && next[0] < total && !stream.isCancelled()) {
                byte[] message = new byte[size];
                message[0] = (byte) next[0];
                stream.onNext(message);
                flooded.incrementAndGet();
                next[0]++;
            }
            if (next[0] == total && !stream.isCancelled()) {
                next[0]++;
                stream.onCompleted();
            }
        });
    }

    private StreamObserver<String> sum(StreamObserver<String> answer) {
        record(SUM, answer);
        return new StreamObserver<>() {
            private long count;
            private long sum;

            @Override
            public void onNext(String value) {
                count++;
                sum += Long.parseLong(value.trim());
            }

            @Override
            public void onError(Throwable failure) {
            }

            @Override
            public void onCompleted() {
                answer.onNext("count=" + count + " sum=" + sum);
                answer.onCompleted();
            }
        };
    }

    private StreamObserver<String> chat(StreamObserver<String> answer) {
        record(CHAT, answer);
        return new StreamObserver<>() {
            @Override
            public void onNext(String value) {
                answer.onNext("echo " + value);
            }

            @Override
            public void onError(Throwable failure) {
            }

            @Override
            public void onCompleted() {
                answer.onCompleted();
            }
        };
    }

    private void slow(String request, StreamObserver<String> answer) {
        record(SLOW, answer);
        long millis = Long.parseLong(request.trim());
        ServerCallStreamObserver<String> call = (ServerCallStreamObserver<String>) answer;
        timers.schedule(() -> {
            if (!call.isCancelled()) {
                call.onNext("slept " + millis);
                call.onCompleted();
            }
        }, millis, TimeUnit.MILLISECONDS);
    }

    private void fail(String request, StreamObserver<String> answer) {
        record(FAIL, answer);
        int colon = request.indexOf(':');
        Status.Code code = Status.Code.valueOf(request.substring(0, colon));
        String message = request.substring(colon + 1);
        Metadata trailers = new Metadata();
        trailers.put(DETAIL_KEY, "detail of " + message);
        trailers.put(DETAIL_BIN_KEY, new byte[] {0, 1, (byte) 255});
        answer.onError(code.toStatus().withDescription(message).asRuntimeException(trailers));
    }
}
