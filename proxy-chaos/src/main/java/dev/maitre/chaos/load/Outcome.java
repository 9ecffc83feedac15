package dev.maitre.chaos.load;

/**
 * How one request ended, as a client saw it.
 *
 * @param startNanos monotonic clock when the request was sent ({@link System#nanoTime()})
 * @param endNanos monotonic clock when its answer ended or it failed
 * @param status the HTTP status, or 0 when there was none
 * @param error what went wrong below HTTP, or {@link ErrorKind#NONE}
 * @param backend the backend that answered ({@code X-Backend}), or null
 * @param digestOk whether the body matched the expected digest (true when none was expected)
 * @param reusedConnection whether the request went on a connection an earlier request had used
 */
public record Outcome(long startNanos, long endNanos, int status, ErrorKind error, String backend,
                      boolean digestOk, boolean reusedConnection) {

    /** A failure below HTTP. */
    public enum ErrorKind { NONE, REFUSED, RESET, CLOSED, TIMEOUT, OTHER }

    public static Outcome failed(long startNanos, ErrorKind error, boolean reusedConnection) {
        return new Outcome(startNanos, System.nanoTime(), 0, error, null, true, reusedConnection);
    }

    /** A complete 200 answer with intact bytes. */
    public boolean ok() {
        return status == 200 && error == ErrorKind.NONE && digestOk;
    }

    public long latencyMillis() {
        return (endNanos - startNanos) / 1_000_000;
    }

    /** One word for the report: the status, or the error. */
    public String label() {
        if (error != ErrorKind.NONE) {
            return error.name().toLowerCase(java.util.Locale.ROOT);
        }
        return digestOk ? Integer.toString(status) : status + " corrupt";
    }
}
