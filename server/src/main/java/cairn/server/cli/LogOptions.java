package cairn.server.cli;

import cairn.server.config.LogConfig;
import cairn.server.logging.LogFormat;
import cairn.server.logging.LogLevel;
import cairn.server.logging.Logging;
import picocli.CommandLine.Option;

/** {@code --log-format} and {@code --log-level}: override the config's {@code [log]} section. */
public final class LogOptions {
    @Option(names = "--log-format", paramLabel = "text|json", converter = FormatConverter.class,
            description = "Log lines as text (default) or JSON objects, one per line (overrides [log] format)")
    LogFormat format;

    @Option(names = "--log-level", paramLabel = "LEVEL", converter = LevelConverter.class,
            description = "trace, debug, info (default), warn or error (overrides [log] level)")
    LogLevel level;

    /** Applies the config's {@code [log]} with these flags on top. */
    void apply(LogConfig config) {
        Logging.configure(format != null ? format : config.format(), level != null ? level : config.level());
    }

    static final class FormatConverter implements picocli.CommandLine.ITypeConverter<LogFormat> {
        @Override
        public LogFormat convert(String value) {
            return LogFormat.parse(value);
        }
    }

    static final class LevelConverter implements picocli.CommandLine.ITypeConverter<LogLevel> {
        @Override
        public LogLevel convert(String value) {
            return LogLevel.parse(value);
        }
    }
}
