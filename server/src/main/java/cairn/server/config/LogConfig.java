package cairn.server.config;

import cairn.server.logging.LogFormat;
import cairn.server.logging.LogLevel;

/** {@code [log]}: line format ({@code text} or {@code json}) and the least severe level written. */
public record LogConfig(LogFormat format, LogLevel level) {
    public static final LogConfig DEFAULT = new LogConfig(LogFormat.TEXT, LogLevel.INFO);
}
