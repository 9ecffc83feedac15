package dev.maitre.server.reload;

import java.util.List;

/**
 * How a reload ended.
 *
 * @param outcome whether the new configuration is in use, and if not, why
 * @param details the changes applied when reloaded; otherwise the errors, each naming its key
 */
public record ReloadResult(Outcome outcome, List<String> details) {

    /** The ways a reload can end. */
    public enum Outcome {
        /** The new configuration is in use. */
        RELOADED,
        /** The file is invalid or asks for a change that needs a restart: nothing changed. */
        REJECTED,
        /** There is no file to reload (the demo runs on its embedded configuration). */
        UNAVAILABLE
    }

    public ReloadResult {
        details = List.copyOf(details);
    }

    public static ReloadResult reloaded(List<String> changes) {
        return new ReloadResult(Outcome.RELOADED, changes);
    }

    public static ReloadResult rejected(List<String> errors) {
        return new ReloadResult(Outcome.REJECTED, errors);
    }

    public static ReloadResult unavailable(String why) {
        return new ReloadResult(Outcome.UNAVAILABLE, List.of(why));
    }

    /** One line for the log: {@code reloaded (cluster api changed)} or the errors. */
    public String describe() {
        return switch (outcome) {
            case RELOADED -> "configuration reloaded" + (details.isEmpty() ? " (no change)"
                    : ": " + String.join("; ", details));
            case REJECTED -> "configuration not reloaded, nothing changed: " + String.join("; ", details);
            case UNAVAILABLE -> "configuration not reloaded: " + String.join("; ", details);
        };
    }
}
