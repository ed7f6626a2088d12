package cairn.server.logging;

import org.slf4j.helpers.FormattingTuple;
import org.slf4j.helpers.MarkerIgnoringBase;
import org.slf4j.helpers.MessageFormatter;

/** An slf4j logger that formats the message ({} placeholders) and hands the event to {@link Logging}. */
final class CairnLogger extends MarkerIgnoringBase {
    private static final long serialVersionUID = 1L;

    CairnLogger(String name) {
        this.name = name;
    }

    private boolean on(LogLevel level) {
        return Logging.enabled(level);
    }

    private void log(LogLevel level, String message) {
        if (on(level)) Logging.write(level, name, message, null);
    }

    private void log(LogLevel level, String format, Object... args) {
        if (!on(level)) return;
        FormattingTuple t = MessageFormatter.arrayFormat(format, args);
        Logging.write(level, name, t.getMessage(), t.getThrowable());
    }

    private void log(LogLevel level, String message, Throwable error) {
        if (on(level)) Logging.write(level, name, message, error);
    }

    @Override public boolean isTraceEnabled() { return on(LogLevel.TRACE); }
    @Override public void trace(String msg) { log(LogLevel.TRACE, msg); }
    @Override public void trace(String format, Object arg) { log(LogLevel.TRACE, format, arg); }
    @Override public void trace(String format, Object a, Object b) { log(LogLevel.TRACE, format, a, b); }
    @Override public void trace(String format, Object... args) { log(LogLevel.TRACE, format, args); }
    @Override public void trace(String msg, Throwable t) { log(LogLevel.TRACE, msg, t); }

    @Override public boolean isDebugEnabled() { return on(LogLevel.DEBUG); }
    @Override public void debug(String msg) { log(LogLevel.DEBUG, msg); }
    @Override public void debug(String format, Object arg) { log(LogLevel.DEBUG, format, arg); }
    @Override public void debug(String format, Object a, Object b) { log(LogLevel.DEBUG, format, a, b); }
    @Override public void debug(String format, Object... args) { log(LogLevel.DEBUG, format, args); }
    @Override public void debug(String msg, Throwable t) { log(LogLevel.DEBUG, msg, t); }

    @Override public boolean isInfoEnabled() { return on(LogLevel.INFO); }
    @Override public void info(String msg) { log(LogLevel.INFO, msg); }
    @Override public void info(String format, Object arg) { log(LogLevel.INFO, format, arg); }
    @Override public void info(String format, Object a, Object b) { log(LogLevel.INFO, format, a, b); }
    @Override public void info(String format, Object... args) { log(LogLevel.INFO, format, args); }
    @Override public void info(String msg, Throwable t) { log(LogLevel.INFO, msg, t); }

    @Override public boolean isWarnEnabled() { return on(LogLevel.WARN); }
    @Override public void warn(String msg) { log(LogLevel.WARN, msg); }
    @Override public void warn(String format, Object arg) { log(LogLevel.WARN, format, arg); }
    @Override public void warn(String format, Object a, Object b) { log(LogLevel.WARN, format, a, b); }
    @Override public void warn(String format, Object... args) { log(LogLevel.WARN, format, args); }
    @Override public void warn(String msg, Throwable t) { log(LogLevel.WARN, msg, t); }

    @Override public boolean isErrorEnabled() { return on(LogLevel.ERROR); }
    @Override public void error(String msg) { log(LogLevel.ERROR, msg); }
    @Override public void error(String format, Object arg) { log(LogLevel.ERROR, format, arg); }
    @Override public void error(String format, Object a, Object b) { log(LogLevel.ERROR, format, a, b); }
    @Override public void error(String format, Object... args) { log(LogLevel.ERROR, format, args); }
    @Override public void error(String msg, Throwable t) { log(LogLevel.ERROR, msg, t); }
}
