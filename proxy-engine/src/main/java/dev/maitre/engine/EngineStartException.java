package dev.maitre.engine;

/** The engine could not start, for instance because a listener's address is in use. */
public final class EngineStartException extends Exception {

    public EngineStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
