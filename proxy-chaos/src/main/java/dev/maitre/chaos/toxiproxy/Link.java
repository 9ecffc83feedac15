package dev.maitre.chaos.toxiproxy;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.model.Toxic;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import java.io.IOException;

/**
 * One Toxiproxy proxy: the road between maitre and one backend, where faults are put. maitre is
 * configured with the link's address, so its checks and requests both take this road.
 */
public final class Link {

    private final Proxy proxy;
    private final int port;

    Link(Proxy proxy, int port) {
        this.proxy = proxy;
        this.port = port;
    }

    /** The loopback port maitre connects to. */
    public int port() {
        return port;
    }

    public String address() {
        return "127.0.0.1:" + port;
    }

    /** Stops listening: connections are refused, open ones closed. */
    public void disable() throws IOException {
        proxy.disable();
    }

    public void enable() throws IOException {
        proxy.enable();
    }

    /** No byte passes either way and connections stay open: a black hole. */
    public void blackHole() throws IOException {
        proxy.toxics().timeout("black-hole-down", ToxicDirection.DOWNSTREAM, 0);
        proxy.toxics().timeout("black-hole-up", ToxicDirection.UPSTREAM, 0);
    }

    /** Every byte from the backend arrives {@code millis} late. */
    public void latency(long millis) throws IOException {
        proxy.toxics().latency("latency", ToxicDirection.DOWNSTREAM, millis);
    }

    /** Every connection is reset as soon as data arrives from maitre. */
    public void resetPeer() throws IOException {
        proxy.toxics().resetPeer("reset-peer", ToxicDirection.UPSTREAM, 0);
    }

    /** Answers flow at most {@code kilobytesPerSecond}. */
    public void bandwidth(long kilobytesPerSecond) throws IOException {
        proxy.toxics().bandwidth("bandwidth", ToxicDirection.DOWNSTREAM, kilobytesPerSecond);
    }

    /** Answers are cut into small slices of about {@code averageBytes}, each {@code delayMicros} apart. */
    public void slicer(long averageBytes, long delayMicros) throws IOException {
        proxy.toxics().slicer("slicer", ToxicDirection.DOWNSTREAM, averageBytes, delayMicros);
    }

    /** Removes every toxic. */
    public void heal() throws IOException {
        for (Toxic toxic : proxy.toxics().getAll()) {
            toxic.remove();
        }
    }

    /** Removes the proxy from the server. */
    public void delete() throws IOException {
        proxy.delete();
    }
}
