package cairn.server.logging;

import java.util.Locale;

/** Log levels, least severe first; a logger writes events at or above the configured one. */
public enum LogLevel {
    TRACE, DEBUG, INFO, WARN, ERROR;

    /** Parses {@code "info"}, {@code "WARN"}, ...; an unknown name is an {@link IllegalArgumentException}. */
    public static LogLevel parse(String text) {
        try {
            return valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a log level (trace, debug, info, warn, error)");
        }
    }
}
