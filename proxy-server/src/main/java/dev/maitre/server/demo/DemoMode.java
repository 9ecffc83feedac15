package dev.maitre.server.demo;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.AccessLogConfig;
import dev.maitre.api.config.AdminConfig;
import dev.maitre.api.config.BackendConfig;
import dev.maitre.api.config.BalancerKind;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.ClusterTimeouts;
import dev.maitre.api.config.HealthCheckConfig;
import dev.maitre.api.config.ListenerConfig;
import dev.maitre.api.config.PoolConfig;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.api.config.RetryConfig;
import dev.maitre.api.config.RouteConfig;
import dev.maitre.engine.EngineStartException;
import dev.maitre.api.config.StatusRanges;
import dev.maitre.api.health.HealthState;
import dev.maitre.server.MaitreServer;
import dev.maitre.server.admin.AdminStartException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * {@code maitre --demo}: three demo backends behind one round-robin cluster, served on
 * {@code 127.0.0.1:8080} with the admin API on {@code 127.0.0.1:9901}, so maitre can be tried without
 * writing a configuration.
 */
public final class DemoMode {

    public static final HostPort PROXY_BIND = new HostPort("127.0.0.1", 8080);
    public static final String LISTENER = "web";
    public static final String CLUSTER = "demo";

    /**
     * Checks every 2 s, unhealthy after 2 failures, healthy after 2 successes: quicker than the
     * production defaults so that a stopped backend leaves rotation while the reader watches
     * (within 1.8 to 4.4 s).
     */
    static final HealthCheckConfig HEALTH_CHECK = new HealthCheckConfig(HealthCheckConfig.CheckProtocol.HTTP,
            HealthCheckConfig.DEFAULT_PATH, null, StatusRanges.parse("200-399"), Duration.ofSeconds(2),
            Duration.ofSeconds(1), 2, 2, HealthCheckConfig.DEFAULT_JITTER, HealthState.HEALTHY);

    private DemoMode() {
    }

    /**
     * Runs the demo until SIGTERM or SIGINT.
     *
     * @param out where to print what to try
     * @throws IOException when a demo backend cannot start
     * @throws EngineStartException when the proxy cannot bind its address
     * @throws AdminStartException when the admin API cannot bind its address
     */
    public static void run(PrintWriter out)
            throws IOException, EngineStartException, AdminStartException, InterruptedException {
        try (DemoBackends backends = DemoBackends.start(DemoBackends.PREFERRED_PORTS)) {
            MaitreServer.run(config(backends.addresses()), null, server -> {
                out.print(instructions(server.address(LISTENER), server.adminAddress(), backends.addresses()));
                out.flush();
            });
        }
    }

    /**
     * The demo's configuration: listener {@code web} on 127.0.0.1:8080 routing everything to
     * {@code backends}, actively checked with {@link #HEALTH_CHECK}; the admin API on 127.0.0.1:9901.
     */
    static ProxyConfig config(List<HostPort> backends) {
        ListenerConfig web = ListenerConfig.http(LISTENER, PROXY_BIND, List.of(RouteConfig.catchAll(CLUSTER)));
        ClusterConfig demo = new ClusterConfig(CLUSTER, BalancerKind.ROUND_ROBIN,
                backends.stream().map(BackendConfig::of).toList(), HEALTH_CHECK, null,
                ClusterTimeouts.defaults(), RetryConfig.defaults(), PoolConfig.defaults(), 0);
        return new ProxyConfig(AdminConfig.defaults(), ProxyConfig.defaultWorkers(),
                ProxyConfig.DEFAULT_SHUTDOWN_GRACE_PERIOD, AccessLogConfig.defaults(), List.of(web), List.of(demo));
    }

    static String instructions(InetSocketAddress proxy, InetSocketAddress admin, List<HostPort> backends) {
        String url = "http://" + proxy.getAddress().getHostAddress() + ":" + proxy.getPort() + "/";
        String adminUrl = "http://" + admin.getAddress().getHostAddress() + ":" + admin.getPort() + "/";
        HostPort second = backends.get(Math.min(1, backends.size() - 1));
        HostPort first = backends.get(0);
        StringBuilder text = new StringBuilder();
        text.append('\n').append("maitre demo: ").append(url).append(" balances round robin over ")
                .append(backends.size()).append(" demo backends:\n");
        for (int i = 0; i < backends.size(); i++) {
            text.append("  backend ").append(i + 1).append("  http://").append(backends.get(i)).append("/\n");
        }
        text.append('\n').append("Health checks run every 2 s; the admin API is on ").append(adminUrl).append(":\n")
                .append("  open ").append(adminUrl).append("                 the dashboard, in a browser\n")
                .append("  curl -s ").append(adminUrl).append("api/clusters     the backends and their health\n")
                .append("  curl -s ").append(adminUrl).append("api/events       what changed, newest last\n")
                .append('\n')
                .append("Try it (each request is answered by the next backend in turn):\n")
                .append("  curl ").append(url).append('\n')
                .append("  for i in 1 2 3 4 5 6; do curl -s ").append(url).append("; done\n")
                .append('\n')
                .append("WebSocket passes too: each backend echoes at /ws, its 101 naming it in X-Demo-Backend:\n")
                .append("  websocat ").append(url.replace("http://", "ws://")).append("ws\n")
                .append('\n')
                .append("Stop backend 2 as if it crashed; clients keep getting answers from the others, and a few\n")
                .append("seconds later the admin API shows it UNHEALTHY:\n")
                .append("  curl -X POST http://").append(second).append("/demo/stop\n")
                .append("  curl -s ").append(adminUrl).append("api/clusters\n")
                .append('\n')
                .append("Drain backend 1 (no new requests, those in flight finish), then put it back:\n")
                .append("  curl -X POST ").append(adminUrl).append("api/clusters/").append(CLUSTER).append("/backends/")
                .append(first).append("/drain\n")
                .append("  curl -X POST ").append(adminUrl).append("api/clusters/").append(CLUSTER).append("/backends/")
                .append(first).append("/enable\n")
                .append('\n')
                .append("Stop maitre with Ctrl-C; requests in flight are finished first.\n\n");
        return text.toString();
    }
}
