package dev.maitre.health.check;

import dev.maitre.api.HostPort;
import dev.maitre.testing.TestCertificates;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A real gRPC server (grpc-java on its shaded Netty) on loopback, serving the standard health service of
 * {@link HealthStatusManager} — the whole server {@code SERVING} at first — or no service at all.
 */
public final class GrpcHealthServer implements AutoCloseable {

    private final Server server;
    private final HealthStatusManager health;

    private GrpcHealthServer(ServerCredentials credentials, boolean withHealth) throws IOException {
        this.health = withHealth ? new HealthStatusManager() : null;
        NettyServerBuilder builder = NettyServerBuilder.forAddress(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), credentials);
        if (health != null) {
            builder.addService(health.getHealthService());
        }
        this.server = builder.build().start();
    }

    /** A clear-text (h2c) server with the health service. */
    public static GrpcHealthServer start() throws IOException {
        return new GrpcHealthServer(InsecureServerCredentials.create(), true);
    }

    /** A server with the health service, over TLS presenting {@code certificate}. */
    public static GrpcHealthServer startTls(TestCertificates.PemFiles certificate) throws IOException {
        return new GrpcHealthServer(TlsServerCredentials.create(certificate.certFile().toFile(),
                certificate.keyFile().toFile()), true);
    }

    /** A clear-text server that serves no service: every call ends with UNIMPLEMENTED. */
    public static GrpcHealthServer withoutHealthService() throws IOException {
        return new GrpcHealthServer(InsecureServerCredentials.create(), false);
    }

    public HostPort address() {
        return new HostPort("127.0.0.1", server.getPort());
    }

    /** Sets what the health service answers about {@code service} ({@code ""}: the whole server). */
    public void setStatus(String service, ServingStatus status) {
        health.setStatus(service, status);
    }

    /** Stops listening and ends every connection. */
    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
