package dev.maitre.api;

import java.util.Locale;

/** Reading an exception's chain of causes, for messages that say what went wrong underneath. */
public final class Causes {

    private Causes() {
    }

    /** Whether {@code cause} or any cause under it is a {@code type}. */
    public static boolean causedBy(Throwable cause, Class<? extends Throwable> type) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** The messages of {@code cause} and every cause under it, lower-cased, a line each. */
    public static String messages(Throwable cause) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                all.append(t.getMessage().toLowerCase(Locale.ROOT)).append('\n');
            }
        }
        return all.toString();
    }

    /** The message of the deepest cause, or its type when it has none. */
    public static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }
}
