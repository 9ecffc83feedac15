package dev.maitre.engine.access;

/**
 * Where the data plane hands each request's {@link AccessRecord}, on the event loop that served it:
 * an implementation must return at once, without blocking or taking a lock that an event loop could
 * wait on.
 */
@FunctionalInterface
public interface AccessLog {

    void log(AccessRecord record);

    /**
     * Lines in maitre's format to the {@code maitre.access} logger, written on the calling thread: for
     * an engine run without the server's writer (tests, benchmarks, embedding), whose logging
     * configuration decides where they go.
     */
    static AccessLog toLogger() {
        return LoggerAccessLog.INSTANCE;
    }
}
