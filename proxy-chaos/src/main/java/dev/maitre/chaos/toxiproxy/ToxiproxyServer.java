package dev.maitre.chaos.toxiproxy;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import java.io.IOException;

/**
 * A running Toxiproxy server the suite may use: its API address, and how to stop it if the suite
 * started it. Its proxies listen on loopback.
 */
public final class ToxiproxyServer implements AutoCloseable {

    private final String host;
    private final int port;
    private final String origin;
    private final AutoCloseable stopper;
    private final ToxiproxyClient client;

    ToxiproxyServer(String host, int port, String origin, AutoCloseable stopper) {
        this.host = host;
        this.port = port;
        this.origin = origin;
        this.stopper = stopper;
        this.client = new ToxiproxyClient(host, port);
    }

    /** Where it came from, for the report: "TOXIPROXY_URL", "binary /path", "container", ... */
    public String origin() {
        return origin;
    }

    public ToxiproxyClient client() {
        return client;
    }

    /** Whether its API answers. */
    boolean answers() {
        try {
            client.version();
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * A proxy named {@code name} in front of loopback {@code upstreamPort}, listening on a loopback
     * port Toxiproxy binds as port 0 and reports back; a proxy of that name left over from an
     * earlier run is replaced.
     */
    public Link link(String name, int upstreamPort) throws IOException {
        var old = client.getProxyOrNull(name);
        if (old != null) {
            old.delete();
        }
        Proxy proxy = client.createProxy(name, "127.0.0.1:0", "127.0.0.1:" + upstreamPort);
        String listen = proxy.getListen();
        int port = Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
        if (port == 0) {
            proxy.delete();
            throw new IllegalStateException(this + " did not report the port proxy " + name + " bound: " + listen);
        }
        return new Link(proxy, port);
    }

    @Override
    public String toString() {
        return "Toxiproxy at " + host + ":" + port + " (" + origin + ")";
    }

    @Override
    public void close() throws Exception {
        stopper.close();
    }
}
