package dev.maitre.bench.grpc;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import java.net.InetSocketAddress;

/**
 * A gRPC backend for the comparison harness: answers {@code bench.Echo/Say} with its request, in
 * clear text (h2c), on 127.0.0.1 and the port given (0: any), printing {@code listening on PORT}.
 * Runs until killed.
 *
 * <pre>java -cp benchmarks.jar dev.maitre.bench.grpc.GrpcEchoBackend [port]</pre>
 */
public final class GrpcEchoBackend {

    private GrpcEchoBackend() {
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        ServerServiceDefinition echo = ServerServiceDefinition.builder("bench.Echo")
                .addMethod(EchoMethod.SAY, ServerCalls.asyncUnaryCall((request, response) -> {
                    response.onNext(request);
                    response.onCompleted();
                }))
                .build();
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .addService(echo)
                .build()
                .start();
        System.out.println("listening on " + server.getPort());
        System.out.flush();
        server.awaitTermination();
    }
}
