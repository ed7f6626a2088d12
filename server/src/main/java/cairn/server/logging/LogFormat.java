package cairn.server.logging;

import java.util.Locale;

/** How log lines look: human text (the default) or one JSON object per line for log shippers. */
public enum LogFormat {
    TEXT, JSON;

    public static LogFormat parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "text" -> TEXT;
            case "json" -> JSON;
            default -> throw new IllegalArgumentException("'" + text + "' is not a log format (\"text\" or \"json\")");
        };
    }
}
