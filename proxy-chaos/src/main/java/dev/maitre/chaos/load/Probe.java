package dev.maitre.chaos.load;

/** One client of the load generator: sends a GET, waits for its whole answer or its failure, says how it ended. */
interface Probe extends AutoCloseable {

    /** Sends {@code GET path} and reads the whole answer; the body is checked against {@code sha256} if given. */
    Outcome get(String path, String sha256);

    @Override
    void close();
}
