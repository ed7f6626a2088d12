package cairn.server.logging;

import cairn.server.admin.Json;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Where every log event of the process goes (the slf4j binding writes here). Text by default, like
 * slf4j-simple ({@code 2026-11-22T18:30:00.123+00:00 [INFO] Node - message}); with {@link LogFormat#JSON} one
 * object per line with {@code time, level, logger, thread, message, node, role, epoch} and, when there is
 * one, {@code exception} (class, message and stack trace as one string). Role and epoch are read from the
 * running node at each line, so they follow HA transitions.
 */
public final class Logging {
    private static final DateTimeFormatter TEXT_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneId.systemDefault());

    /** Who is logging: the node id and live views of its role and writer epoch (-1 = none). */
    public record Context(String nodeId, Supplier<String> role, LongSupplier epoch) {}

    private static final Context NO_NODE = new Context(hostName(), () -> "NONE", () -> -1);

    private static volatile LogLevel threshold = LogLevel.INFO;
    private static volatile LogFormat format = LogFormat.TEXT;
    private static volatile PrintStream out = System.err;
    private static volatile Context context = NO_NODE;

    private Logging() {}

    /** Sets the format and the least severe level written (from {@code [log]} or {@code --log-format}). */
    public static void configure(LogFormat newFormat, LogLevel newThreshold) {
        format = newFormat;
        threshold = newThreshold;
    }

    /** Where lines go (standard error unless a test captures them). */
    public static void output(PrintStream stream) {
        out = stream;
    }

    /** Names the node whose role and epoch every line carries from now on. */
    public static void context(Context value) {
        context = value;
    }

    /** Back to no node (the node stopped). */
    public static void clearContext() {
        context = NO_NODE;
    }

    public static LogFormat format() {
        return format;
    }

    static boolean enabled(LogLevel level) {
        return level.compareTo(threshold) >= 0;
    }

    static void write(LogLevel level, String logger, String message, Throwable error) {
        String line = format == LogFormat.JSON ? json(level, logger, message, error) : text(level, logger, message, error);
        out.print(line);
        out.flush();
    }

    private static String text(LogLevel level, String logger, String message, Throwable error) {
        var line = new StringBuilder(TEXT_TIME.format(Instant.now()))
                .append(" [").append(level).append("] ")
                .append(logger.substring(logger.lastIndexOf('.') + 1)).append(" - ").append(message).append('\n');
        if (error != null) line.append(stackTrace(error));
        return line.toString();
    }

    private static String json(LogLevel level, String logger, String message, Throwable error) {
        Context c = context;
        var map = new LinkedHashMap<String, Object>();
        map.put("time", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        map.put("level", level.name());
        map.put("logger", logger);
        map.put("thread", Thread.currentThread().getName());
        map.put("message", message);
        map.put("node", c.nodeId());
        map.put("role", safe(c.role()));
        long epoch = safeEpoch(c.epoch());
        map.put("epoch", epoch < 0 ? null : epoch);
        if (error != null) map.put("exception", stackTrace(error));
        return Json.write(map) + "\n";
    }

    // A log line must never fail because the node is half started or half stopped.
    private static String safe(Supplier<String> role) {
        try {
            return String.valueOf(role.get());
        } catch (RuntimeException e) {
            return "UNKNOWN";
        }
    }

    private static long safeEpoch(LongSupplier epoch) {
        try {
            return epoch.getAsLong();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static String stackTrace(Throwable error) {
        var text = new StringWriter();
        error.printStackTrace(new PrintWriter(text));
        return text.toString();
    }

    /** The kernel's host name (no DNS lookup: logging must not wait for a resolver). */
    public static String hostName() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            return name.isEmpty() ? "localhost" : name;
        } catch (IOException | RuntimeException e) {
            return "localhost";
        }
    }
}
