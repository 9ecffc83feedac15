package dev.maitre.server.admin;

/** The admin API could not start, for instance because its address is in use. */
public final class AdminStartException extends Exception {

    AdminStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
