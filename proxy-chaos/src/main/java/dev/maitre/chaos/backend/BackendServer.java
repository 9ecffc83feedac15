package dev.maitre.chaos.backend;

/**
 * A backend server a stage runs behind its Toxiproxy link. It binds a loopback port of the
 * system's choosing when first started and keeps it, so that after a stop or a crash it comes back
 * where maitre (through the link) knows it.
 */
public interface BackendServer extends AutoCloseable {

    /** Its name in labels and timelines: b1, b2... */
    String name();

    /** The port it listens on; 0 until it first started. */
    int port();

    /** Starts listening: on a port of the system's choosing the first time, on that same port after. */
    void start() throws InterruptedException;

    /** Stops it, whatever state it is in. */
    @Override
    void close();
}
