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
import dev.maitre.server.MaitreServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * {@code maitre --demo}: three demo backends behind one round-robin cluster, served on
 * {@code 127.0.0.1:8080}, so maitre can be tried without writing a configuration.
 */
public final class DemoMode {

    public static final HostPort PROXY_BIND = new HostPort("127.0.0.1", 8080);
    public static final String LISTENER = "web";
    public static final String CLUSTER = "demo";

    private DemoMode() {
    }

    /**
     * Runs the demo until SIGTERM or SIGINT.
     *
     * @param out where to print what to try
     * @throws IOException when a demo backend cannot start
     * @throws EngineStartException when the proxy cannot bind its address
     */
    public static void run(PrintWriter out) throws IOException, EngineStartException, InterruptedException {
        try (DemoBackends backends = DemoBackends.start(DemoBackends.PREFERRED_PORTS)) {
            MaitreServer.run(config(backends.addresses()), server -> {
                out.print(instructions(server.address(LISTENER), backends.addresses()));
                out.flush();
            });
        }
    }

    /** The demo's configuration: listener {@code web} on 127.0.0.1:8080 routing everything to {@code backends}. */
    static ProxyConfig config(List<HostPort> backends) {
        ListenerConfig web = ListenerConfig.http(LISTENER, PROXY_BIND, List.of(RouteConfig.catchAll(CLUSTER)));
        ClusterConfig demo = new ClusterConfig(CLUSTER, BalancerKind.ROUND_ROBIN,
                backends.stream().map(BackendConfig::of).toList(), HealthCheckConfig.defaults(), null,
                ClusterTimeouts.defaults(), RetryConfig.defaults(), PoolConfig.defaults(), 0);
        return new ProxyConfig(AdminConfig.defaults(), ProxyConfig.defaultWorkers(),
                ProxyConfig.DEFAULT_SHUTDOWN_GRACE_PERIOD, AccessLogConfig.defaults(), List.of(web), List.of(demo));
    }

    static String instructions(InetSocketAddress proxy, List<HostPort> backends) {
        String url = "http://" + proxy.getAddress().getHostAddress() + ":" + proxy.getPort() + "/";
        StringBuilder text = new StringBuilder();
        text.append('\n').append("maitre demo: ").append(url).append(" balances round robin over ")
                .append(backends.size()).append(" demo backends:\n");
        for (int i = 0; i < backends.size(); i++) {
            text.append("  backend ").append(i + 1).append("  http://").append(backends.get(i)).append("/\n");
        }
        text.append('\n')
                .append("Try it (each request is answered by the next backend in turn):\n")
                .append("  curl ").append(url).append('\n')
                .append("  for i in 1 2 3 4 5 6; do curl -s ").append(url).append("; done\n")
                .append('\n')
                .append("Stop backend 2 as if it crashed; clients keep getting answers from the others:\n")
                .append("  curl -X POST http://").append(backends.get(Math.min(1, backends.size() - 1)))
                .append("/demo/stop\n")
                .append('\n')
                .append("Stop maitre with Ctrl-C; requests in flight are finished first.\n\n");
        return text.toString();
    }
}
