package dev.maitre.chaos.toxiproxy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.toxiproxy.ToxiproxyContainer;

/**
 * Toxiproxy in a container (Testcontainers' {@code testcontainers-toxiproxy}), for machines with
 * Docker but no binary. The container shares the host's network, so that its proxies listen on
 * the host's loopback and reach the WireMock backends there, as with a local binary: the suite's
 * traffic stays on 127.0.0.1. (Host networking is a Linux Docker feature; elsewhere set
 * {@code TOXIPROXY_SERVER} or install Go.)
 */
final class ToxiproxyContainerStarter {

    private ToxiproxyContainerStarter() {
    }

    /** Docker answers here: a socket or {@code DOCKER_HOST} is there, and Testcontainers can talk to it. */
    static boolean dockerAvailable() {
        boolean configured = System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"));
        if (!configured) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Starts the container on a loopback port of the host. The container's process cannot be asked
     * which port it bound, so it is given one that was free a moment ago, and started again on
     * another if that one was taken meanwhile.
     */
    static ToxiproxyServer start(String version) {
        RuntimeException failure = null;
        for (int attempt = 1; attempt <= ToxiproxyLocator.START_ATTEMPTS; attempt++) {
            try {
                return startOn(version, ListeningPorts.freeMomentAgo());
            } catch (java.io.IOException e) {
                failure = new IllegalStateException("could not start the Toxiproxy container: " + e, e);
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        throw failure;
    }

    @SuppressWarnings("resource")
    private static ToxiproxyServer startOn(String version, int port) {
        ToxiproxyContainer container = new ToxiproxyContainer("ghcr.io/shopify/toxiproxy:" + version.replaceFirst("^v", ""))
                .withNetworkMode("host")
                .withCommand("-host", "127.0.0.1", "-port", Integer.toString(port))
                .waitingFor(Wait.forLogMessage(".*(API HTTP server starting|Starting Toxiproxy HTTP server).*", 1)
                        .withStartupTimeout(java.time.Duration.ofMinutes(2)));
        container.start();
        ToxiproxyServer server = new ToxiproxyServer("127.0.0.1", port, "container " + container.getDockerImageName(),
                container::stop);
        ToxiproxyLocator.awaitApi(server, container::isRunning, null);
        return server;
    }
}
